import { humanBytes } from '../format/sizes.js';
import type { Sink } from './io.js';

/** Only work that takes longer than this gets a progress bar. */
const SHOW_AFTER_MS = 1000;
const WIDTH = 30;

/**
 * A progress bar on stderr, drawn only on a terminal and only once the work has run for a
 * second, so quick runs and pipes stay clean.
 */
export function progressBar(
  stderr: Sink,
  label: string,
): { update: (done: number, total: number) => void; finish: () => void } {
  const started = Date.now();
  let drawn = false;
  let lastDraw = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (!stderr.isTTY || now - started < SHOW_AFTER_MS || now - lastDraw < 100 || total === 0) return;
      lastDraw = now;
      drawn = true;
      const filled = Math.round((done / total) * WIDTH);
      void stderr.write(
        `\r${label} [${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${humanBytes(done)} / ${humanBytes(total)}`,
      );
    },
    finish() {
      if (drawn) void stderr.write('\r\x1b[2K');
    },
  };
}
