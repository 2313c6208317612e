import { createRequire } from 'node:module';
import { escapeForDisplay } from '../model/display.js';
import { SnapinspectError, errorMessage } from '../model/errors.js';
import { applyLimits } from '../app/limits.js';
import type { Reader } from '../readers/reader.js';
import { readers as builtinReaders } from '../readers/registry.js';
import { catCommand } from '../app/cat.js';
import { secretsPolicy } from '../app/printed.js';
import { infoCommand } from '../app/info.js';
import type { Io } from '../app/io.js';
import { lsCommand } from '../app/ls.js';
import { nodeInfoCommand } from '../app/node-info.js';
import { openAddress, resolveInner, resolveInnerTrail } from '../app/open.js';
import { closeDiffSides, openDiffSides, singleOperand } from '../app/request.js';
import { verifyCommand } from '../app/verify.js';
import { aboutCommand, isAboutCommand } from './meta.js';
import { parseArgs, type Invocation } from './parse.js';
import { diffCommand } from '../app/diff.js';
import { hashCommand } from '../app/hash.js';

/** The bundle (dist/snapinspect.mjs) and the sources (src/cli/) sit at different depths below package.json. */
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

/**
 * Runs one command line; returns the exit status. Never throws and never prints a stack trace.
 * `readers` are the built-in ones unless a test of a new format brings its own list.
 */
export async function run(
  argv: readonly string[],
  io: Io,
  readers: readonly Reader[] = builtinReaders,
): Promise<number> {
  try {
    return await dispatch(parseArgs(argv), io, readers);
  } catch (error) {
    await io.stderr.write(errorLine(error));
    return 2;
  } finally {
    // Overrides hold for one command; the next run() in this process starts from the defaults.
    applyLimits([], readers);
  }
}

/**
 * The one line a user sees for a failure: a SnapinspectError's message and code, never a stack.
 * Messages quote names from the input, so the whole line is escaped here, once for every message.
 */
export function errorLine(error: unknown): string {
  const message =
    error instanceof SnapinspectError
      ? `${error.message} (${error.code})`
      : `internal error: ${errorMessage(error).split('\n')[0]} (INTERNAL)`;
  return `snapinspect: ${escapeForDisplay(message)}\n`;
}

async function dispatch(invocation: Invocation, io: Io, readers: readonly Reader[]): Promise<number> {
  const { command, options } = invocation;
  applyLimits(options.limit, readers);
  if (options.version || options.help || isAboutCommand(command)) {
    return aboutCommand(
      invocation,
      io,
      version(),
      readers.map((reader) => reader.id),
    );
  }
  if (command === 'diff') return runDiff(invocation, io, readers);
  const target = singleOperand(invocation);
  const opened = await openAddress(target, { format: options.format, showSecrets: options.showSecrets, readers });
  switch (command) {
    case 'browse':
    case 'info':
      if (opened.inner.length > 0) {
        // Entries read lazily (nested archives, stable-structure pages) report their problems only when opened.
        const { node, trail } = await resolveInnerTrail(opened);
        return nodeInfoCommand(node, opened.inner, io, options.json, () =>
          trail.flatMap((folder) => folder.raised ?? []),
        );
      }
      return infoCommand(opened.snapshot, io, options.json);
    case 'ls':
      return lsCommand(await resolveInner(opened), opened.inner, io, options);
    case 'cat':
      return catCommand(await resolveInner(opened), opened.inner.join('/'), io, {
        raw: options.raw,
        secrets: secretsPolicy(options.showSecrets),
      });
    case 'verify':
      return verifyCommand(opened.snapshot, io, options.json, opened.reader.id);
    case 'hash':
      return hashCommand(opened.snapshot, target, io, options.output);
  }
}

async function runDiff(invocation: Invocation, io: Io, readers: readonly Reader[]): Promise<number> {
  try {
    const { before, after, only } = await openDiffSides(invocation, undefined, readers);
    const { options } = invocation;
    return await diffCommand(before, after, io, {
      json: options.json,
      textDiff: options.textDiff,
      ignoreMtime: options.ignoreMtime,
      dirMtimes: options.dirMtimes,
      exclude: options.exclude,
      only,
      secrets: secretsPolicy(options.showSecrets),
    });
  } finally {
    closeDiffSides();
  }
}
