import { createRequire } from 'node:module';
import { SnapinspectError, errorMessage } from '../model/errors.js';
import { applyLimitOverrides } from '../model/limits.js';
import { catCommand } from '../app/cat.js';
import { infoCommand } from '../app/info.js';
import type { Io } from '../app/io.js';
import { lsCommand } from '../app/ls.js';
import { nodeInfoCommand } from '../app/node-info.js';
import { openAddress, resolveInner } from '../app/open.js';
import { verifyCommand } from '../app/verify.js';
import { helpText } from './help.js';
import { parseArgs, type Invocation } from './parse.js';
import type { ParsedOptions } from './options.js';
import { diffCommand } from '../app/diff.js';
import { hashCommand } from '../app/hash.js';
import { subtree } from '../app/open.js';
import type { DiffSection } from '../diff/types.js';
import type { Snapshot } from '../model/snapshot.js';

/** The bundle (dist/snapinspect.mjs), the compiled tree (dist/cli/) and the sources sit at different depths. */
export function version(): string {
  const require = createRequire(import.meta.url);
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'snapinspect' && pkg.version) return pkg.version;
    } catch {
      continue;
    }
  }
  return 'unknown';
}

/** Runs one command line; returns the exit status. Never throws and never prints a stack trace. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await dispatch(parseArgs(argv), io);
  } catch (error) {
    await io.stderr.write(errorLine(error));
    return 2;
  } finally {
    // Overrides hold for one command; the next run() in this process starts from the defaults.
    applyLimitOverrides([]);
  }
}

/** The one line a user sees for a failure: a SnapinspectError's message and code, never a stack. */
export function errorLine(error: unknown): string {
  const message =
    error instanceof SnapinspectError ? `${error.message} (${error.code})` : `internal error: ${errorMessage(error).split('\n')[0]} (INTERNAL)`;
  return `snapinspect: ${message}\n`;
}

async function dispatch({ command, operands, options }: Invocation, io: Io): Promise<number> {
  applyLimitOverrides(options.limit);
  if (options.version) return io.stdout.write(`${version()}\n`).then(() => 0);
  if (options.help || command === 'none') {
    await io.stdout.write(`${helpText(version())}\n`);
    return command === 'none' && !options.help ? 2 : 0;
  }
  if (command === 'diff') return runDiff(operands, options, io);
  const [target, ...extra] = operands;
  if (target === undefined) throw new SnapinspectError('USAGE', `${command} needs a PATH; see snapinspect --help`);
  if (extra.length > 0) throw new SnapinspectError('USAGE', `unexpected argument ${extra[0]}`);
  const opened = await openAddress(target, { format: options.format, showSecrets: options.showSecrets });
  switch (command) {
    case 'browse':
    case 'info':
      if (opened.inner.length > 0) {
        // Entries read lazily (nested archives, stable-structure pages) report their problems only when opened.
        const known = opened.snapshot.diagnostics.length;
        const node = await resolveInner(opened);
        return nodeInfoCommand(node, opened.inner, io, options.json, () => opened.snapshot.diagnostics.slice(known));
      }
      return infoCommand(opened.snapshot, io, options.json);
    case 'ls':
      return lsCommand(await resolveInner(opened), opened.inner, io, options);
    case 'cat':
      return catCommand(await resolveInner(opened), opened.inner.join('/'), io, options.raw);
    case 'verify':
      return verifyCommand(opened.snapshot, io, options.json, opened.reader.check?.bind(opened.reader));
    case 'hash':
      return hashCommand(opened.snapshot, target, io, options.output);
  }
}

const SECTIONS = ['files', 'memory', 'metadata'] as const;

async function runDiff(operands: string[], options: ParsedOptions, io: Io): Promise<number> {
  const { before, after, only } = await openDiffSides(operands, options);
  return diffCommand(before, after, io, {
    json: options.json,
    textDiff: options.textDiff,
    ignoreMtime: options.ignoreMtime,
    dirMtimes: options.dirMtimes,
    exclude: options.exclude,
    only,
  });
}

export interface DiffSides {
  before: Snapshot;
  after: Snapshot;
  only: Set<DiffSection>;
}

/**
 * Checks `diff A B` operands and opens both sides; the text report and the terminal UI share it.
 * `pace` lets a caller that draws frames (the terminal UI) keep them coming while the sides are indexed.
 */
export async function openDiffSides(operands: string[], options: ParsedOptions, pace?: () => Promise<void>): Promise<DiffSides> {
  const [first, second, ...extra] = operands;
  if (first === undefined || second === undefined) throw new SnapinspectError('USAGE', 'diff needs two snapshots: snapinspect diff A B');
  if (extra.length > 0) throw new SnapinspectError('USAGE', `unexpected argument ${extra[0]}`);
  const only = new Set(options.only === undefined ? SECTIONS : options.only.split(',').map((part) => part.trim()));
  const unknown = [...only].find((part) => !(SECTIONS as readonly string[]).includes(part));
  if (unknown !== undefined) throw new SnapinspectError('USAGE', `--only takes ${SECTIONS.join(', ')}; not ${unknown}`);
  const request = { format: options.format, showSecrets: options.showSecrets, ...(pace ? { pace } : {}) };
  const [before, after] = await Promise.all([openAddress(first, request), openAddress(second, request)]);
  return { before: await subtree(before), after: await subtree(after), only: only as Set<DiffSection> };
}
