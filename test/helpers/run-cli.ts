import type { Io, Sink } from '../../src/app/io.js';
import { run } from '../../src/cli/main.js';
import type { Reader } from '../../src/readers/reader.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as raw bytes (for cat). */
  bytes: Buffer;
  /** stderr as raw bytes (what a terminal would receive). */
  errorBytes?: Buffer;
}

function collector(isTTY: boolean): Sink & { chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  return {
    isTTY,
    chunks,
    write: async (chunk) => {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    },
  };
}

/** Runs the real CLI in-process, exactly as bin/snapinspect.js does, capturing both streams. */
export async function cli(
  args: string[],
  options: { tty?: boolean; readers?: readonly Reader[] } = {},
): Promise<CliResult> {
  const stdout = collector(options.tty ?? false);
  const stderr = collector(options.tty ?? false);
  const io: Io = { stdout, stderr };
  const code = await run(args, io, options.readers);
  const bytes = Buffer.concat(stdout.chunks);
  const errorBytes = Buffer.concat(stderr.chunks);
  return { code, stdout: bytes.toString('utf8'), stderr: errorBytes.toString('utf8'), bytes, errorBytes };
}
