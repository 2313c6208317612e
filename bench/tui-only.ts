import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchTui } from './tui.js';

// The TUI rows alone (`npm run build && npx vite-node bench/tui-only.ts`): the whole bench takes many minutes.
const workDir = mkdtempSync(join(tmpdir(), 'snapinspect-tui-bench-'));
try {
  for (const row of benchTui(workDir))
    process.stdout.write(`| ${row.work} | ${row.ours} | ${row.baseline} | ${row.budget} |\n`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
