// Writes the manual page snapinspect.1 from the command and option tables of src/cli/, the same
// tables --help follows. `node scripts/man.mjs [OUTDIR]` writes OUTDIR/snapinspect.1 (default dist/,
// where package.json's `man` field points); scripts/build.mjs calls writeManPage after bundling.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** src/cli/man.ts compiled in memory and loaded as a module: it imports nothing outside the bundle. */
async function loadManModule() {
  const result = await build({
    entryPoints: [join(root, 'src/cli/man.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

export async function writeManPage(outdir) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const { manPage } = await loadManModule();
  const path = join(outdir, 'snapinspect.1');
  writeFileSync(path, manPage(version));
  return path;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeManPage(process.argv[2] ?? join(root, 'dist'));
}
