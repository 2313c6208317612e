import { readFileSync, statSync } from 'node:fs';
import { parseAddress } from '../app/address.js';
import { humanBytes } from '../format/sizes.js';
import { escapeForDisplay } from '../model/display.js';

/** How often the opening frame is redrawn: often enough to look alive, rarely enough to cost nothing. */
const TICK_MS = 100;

/**
 * Bytes this process has read so far. Readers have no progress hook, and Linux counts every read
 * in /proc/self/io; elsewhere there is no count and the frame shows the time alone.
 */
function bytesRead(): number | undefined {
  try {
    const match = /^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The size of the files behind the addresses; folders (ICP snapshot folders, LXD trees) count as unknown. */
function totalSize(addresses: readonly string[]): number | undefined {
  let total = 0;
  for (const address of addresses) {
    try {
      const stats = statSync(parseAddress(address).path);
      if (!stats.isFile()) return undefined;
      total += stats.size;
    } catch {
      return undefined;
    }
  }
  return total;
}

/** `opening a.tar… 12.0 MiB read of 120.0 MiB · 1.2 s` */
export function openingStatus(
  label: string,
  read: number | undefined,
  total: number | undefined,
  elapsedMs: number,
): string {
  const amount =
    read === undefined ? '' : ` ${humanBytes(read)} read${total === undefined ? '' : ` of ${humanBytes(total)}`} ·`;
  return `opening ${label}…${amount} ${(elapsedMs / 1000).toFixed(1)} s`;
}

/** Runs `work`, which opens `addresses`, reporting what has been read while it runs. */
export async function withOpeningProgress<T>(
  addresses: readonly string[],
  report: (status: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  const label = addresses.map(escapeForDisplay).join(' and ');
  const total = totalSize(addresses);
  const started = performance.now();
  const base = bytesRead();
  const tick = (): void => {
    const now = bytesRead();
    report(
      openingStatus(
        label,
        base === undefined || now === undefined ? undefined : now - base,
        total,
        performance.now() - started,
      ),
    );
  };
  tick();
  const timer = setInterval(tick, TICK_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** A frame at 60 frames a second: opening yields this often so frames and keys keep up. */
const FRAME_MS = 16;

/** Yields to timers, keys and frames once the opening has held the event loop for a frame's time. */
export function framePace(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < FRAME_MS) return;
    // A timer rather than setImmediate: Ink's throttled frame is a timer, and it must get its turn.
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}
