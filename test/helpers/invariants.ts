import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CliResult } from './run-cli.js';

const ESC = 0x1b;
const FATAL_LINE = /^snapinspect: [^\n]* \([A-Z][A-Z_0-9]*\)\n$/;

/**
 * What any command must satisfy on any input: exit status 0, 1 or 2; no INTERNAL; a fatal error
 * is exactly one `snapinspect: … (CODE)` line; --json output parses; no ESC byte on stdout,
 * except from `cat` on a pipe or with --raw, whose job is raw bytes. Returns what is wrong.
 */
export function outputProblems(args: readonly string[], result: CliResult, { tty = false } = {}): string[] {
  const problems: string[] = [];
  if (![0, 1, 2].includes(result.code)) problems.push(`exit status ${result.code}`);
  if (result.stderr.includes('(INTERNAL)')) problems.push(`INTERNAL: ${result.stderr.trim()}`);
  if (result.code === 2 && !FATAL_LINE.test(result.stderr))
    problems.push(`exit 2 without a single fatal line: ${JSON.stringify(result.stderr.slice(0, 500))}`);
  if (args.includes('--json') && result.code !== 2) {
    try {
      JSON.parse(result.stdout);
    } catch (error) {
      problems.push(`--json output does not parse: ${String(error)}`);
    }
  }
  const rawAllowed = args[0] === 'cat' && (!tty || args.includes('--raw'));
  if (!rawAllowed && result.bytes.includes(ESC)) problems.push('ESC byte on stdout');
  return problems;
}

export interface FingerprintEntry {
  type: string;
  size: number;
  mtimeMs: number;
  digest: string;
}

/** Every path under `root` (not following links) with its type, size, mtime and content hash. */
export function fingerprint(root: string): Map<string, FingerprintEntry> {
  const entries = new Map<string, FingerprintEntry>();
  const visit = (path: string, relative: string): void => {
    const stats = lstatSync(path);
    const type = stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'symlink' : stats.isFile() ? 'file' : 'other';
    const digest =
      type === 'file'
        ? createHash('sha256').update(readFileSync(path)).digest('hex')
        : type === 'symlink'
          ? readlinkSync(path)
          : '';
    entries.set(relative, { type, size: type === 'dir' ? 0 : stats.size, mtimeMs: stats.mtimeMs, digest });
    if (type === 'dir')
      for (const name of readdirSync(path).sort()) visit(join(path, name), relative ? `${relative}/${name}` : name);
  };
  visit(root, '');
  return entries;
}

/** The paths that appeared, vanished or changed between two fingerprints, as readable lines. */
export function fingerprintChanges(
  before: Map<string, FingerprintEntry>,
  after: Map<string, FingerprintEntry>,
): string[] {
  const changes: string[] = [];
  for (const [path, entry] of after) {
    const old = before.get(path);
    if (!old) changes.push(`new: ${path || '.'}`);
    else if (JSON.stringify(old) !== JSON.stringify(entry)) changes.push(`changed: ${path || '.'}`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`removed: ${path || '.'}`);
  return changes;
}
