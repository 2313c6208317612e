// One esbuild step from src/ to a self-contained bundle. The CLI and each worker thread are entries of the
// same build, so the workers sit beside the bundle's modules (src/workers/launch.ts relies on that), and
// whatever the bundle inlines is a devDependency. `node scripts/build.mjs` builds dist/ (the test set-up calls the
// same) with the manual page dist/snapinspect.1, `node scripts/build.mjs bench` the bench's UI probe into bench/work/.
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { writeManPage } from './man.mjs';

export const workerEntries = {
  'sha256-worker': 'src/workers/sha256-worker.ts',
  'page-compare-worker': 'src/workers/page-compare-worker.ts',
};

/** Bundles `entries` ({ output name: source file }) into `outdir`, which is emptied first. */
export async function bundle(entries, outdir) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    // Ink imports react-devtools-core only when DEV is set; it is not installed.
    external: ['react-devtools-core'],
    define: { 'process.env.NODE_ENV': '"production"' },
    // Bundled CommonJS dependencies call require(), which an ES module lacks.
    banner: {
      js: "import { createRequire as snapinspectRequire } from 'node:module'; const require = snapinspectRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}

export const cliEntries = { snapinspect: 'src/cli.ts', ...workerEntries };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === 'bench') await bundle({ 'tui-probe': 'bench/tui-probe.mjs', ...workerEntries }, 'bench/work');
  else {
    await bundle(cliEntries, 'dist');
    await writeManPage('dist');
  }
}
