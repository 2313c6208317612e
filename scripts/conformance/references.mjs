// The reference readers: GNU tar and Info-ZIP unzip (listing parsed from their long output, bytes from a
// real extraction) and Python's tarfile/zipfile. Each yields `{ tool, ok, complaint?, entries }` where an
// entry is `{ name: Buffer, kind, size, mode?, uid?, gid?, link?: Buffer, device?, sha256? }`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pythonScript = fileURLToPath(new URL('./reference.py', import.meta.url));
// GNU tar lists raw bytes in the C locale; unzip writes UTF-8 names only in a UTF-8 one.
const env = { ...process.env, LC_ALL: 'C' };
const utf8Env = { ...process.env, LC_ALL: 'C.UTF-8' };
const LIST_BUFFER = 256 * 1024 * 1024;

function run(command, args, options = {}) {
  return spawnSync(command, args, { env, maxBuffer: LIST_BUFFER, timeout: 120_000, ...options });
}

function firstComplaint(result) {
  const lines = result.stderr
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  if (result.status === 0 && lines.length === 0) return undefined;
  // Without the scratch folder the artifact was copied to, so RESULTS.md reads the same on every run.
  return (lines[0] ?? `exit ${result.status}`).replace(/\/tmp\/conformance-[^/]+\/[^/]+\//g, '').slice(0, 160);
}

const tarKinds = {
  '-': 'file',
  C: 'file',
  h: 'hardlink',
  l: 'symlink',
  d: 'dir',
  c: 'chardev',
  b: 'blockdev',
  p: 'fifo',
};

/** `rwxr-x--T` and friends as permission bits. */
export function permissionBits(text) {
  let mode = 0;
  for (let i = 0; i < 9; i++) if (!'-ST'.includes(text[i] ?? '-')) mode |= 1 << (8 - i);
  if ('sS'.includes(text[2])) mode |= 0o4000;
  if ('sS'.includes(text[5])) mode |= 0o2000;
  if ('tT'.includes(text[8])) mode |= 0o1000;
  return mode;
}

const tvLine = /^(.)(.{9}) (\d+)\/(\d+) +(\d+|\d+, *\d+) (\S+ \S+) (.*)$/s;

function parseTarLine(line) {
  const match = tvLine.exec(line);
  if (!match) return null;
  const [, type, perms, uid, gid, size, , rest] = match;
  const kind = tarKinds[type] ?? `other ${type}`;
  const entry = { kind, mode: permissionBits(perms), uid: Number(uid), gid: Number(gid), size: 0 };
  if (size.includes(',')) entry.device = size.split(',').map((part) => Number(part.trim()));
  else entry.size = Number(size);
  const separator = kind === 'hardlink' ? ' link to ' : kind === 'symlink' ? ' -> ' : null;
  const at = separator === null ? -1 : rest.indexOf(separator);
  entry.name = Buffer.from(at < 0 ? rest : rest.slice(0, at), 'latin1');
  if (at >= 0) entry.link = Buffer.from(rest.slice(at + separator.length), 'latin1');
  return entry;
}

function sha256OfFile(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Bytes as the tool extracted them, for the regular files (and symlink targets) it listed. */
function readExtracted(folder, entries, cap) {
  for (const entry of entries) {
    const path = join(folder, entry.name.toString('latin1').replace(/^(\.?\/)+/, ''));
    try {
      const stat = lstatSync(path);
      if (entry.kind === 'file' && stat.isFile() && entry.size <= cap) entry.sha256 = sha256OfFile(path);
      if (entry.kind === 'symlink' && entry.link === undefined && stat.isSymbolicLink())
        entry.link = Buffer.from(readlinkSync(path, { encoding: 'buffer' }));
    } catch {
      // Not extracted (refused name, or the tool stopped before it): no bytes to compare.
    }
  }
}

function withScratch(work) {
  const folder = mkdtempSync('/tmp/conformance-extract-');
  try {
    return work(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export function gnuTar(file, cap) {
  const listed = run('tar', ['--numeric-owner', '--quoting-style=literal', '-tvf', file]);
  const lines = listed.stdout
    .toString('latin1')
    .split('\n')
    .filter((line) => line !== '');
  const entries = lines.map(parseTarLine).filter((entry) => entry !== null);
  const big = entries.filter((entry) => entry.size > cap).map((entry) => entry.name.toString('latin1'));
  const extracted = withScratch((folder) => {
    const excludes = big.flatMap((name) => ['--exclude', name]);
    const options = ['--no-same-owner', '--no-same-permissions', '--no-wildcards'];
    const result = run('tar', ['-xf', file, '-C', folder, ...options, ...excludes]);
    readExtracted(folder, entries, cap);
    return result;
  });
  const extractComplaint = firstComplaint(extracted);
  const complaint = firstComplaint(listed) ?? (extractComplaint && `extracting: ${extractComplaint}`);
  return { tool: 'GNU tar', ok: complaint === undefined, complaint, entries };
}

const zipinfoLine = /^([-a-z]{7,10}) +\S+ +(\S+) +(\d+) +\S+ +\S+ +\S+ +\S+ /;

export function infoZip(file, cap) {
  const names = run('unzip', ['-Z1', file], { env: utf8Env });
  const long = run('unzip', ['-Z', file], { env: utf8Env });
  const nameLines = names.stdout
    .toString('latin1')
    .split('\n')
    .filter((line) => line !== '');
  const details = long.stdout
    .toString('latin1')
    .split('\n')
    .map((line) => zipinfoLine.exec(line))
    .filter(Boolean);
  const entries = nameLines.map((name, index) => {
    const [, perms = '----------', system = '', size = '0'] = details[index] ?? [];
    const isDir = perms.startsWith('d') || name.endsWith('/');
    const kind = isDir ? 'dir' : perms.startsWith('l') ? 'symlink' : 'file';
    const entry = { name: Buffer.from(name, 'latin1'), kind, size: Number(size) };
    if (system === 'unx') entry.mode = permissionBits(perms.slice(1));
    return entry;
  });
  withScratch((folder) => {
    run('unzip', ['-qq', '-o', file, '-d', folder], { env: utf8Env });
    readExtracted(folder, entries, cap);
  });
  const complaint = firstComplaint(names) ?? (long.status === 0 ? undefined : `zipinfo exit ${long.status}`);
  return { tool: 'unzip', ok: complaint === undefined, complaint, entries };
}

export function python(kind, file, cap) {
  const result = run('python3', [pythonScript, kind, file, String(cap)]);
  let parsed = { ok: false, error: firstComplaint(result) ?? 'no output', entries: [] };
  try {
    parsed = JSON.parse(result.stdout.toString('utf8'));
  } catch {
    // keeps the failure above
  }
  const entries = parsed.entries.map((entry) => ({
    ...entry,
    name: Buffer.from(entry.name, 'hex'),
    link: entry.link ? Buffer.from(entry.link, 'hex') : undefined,
    mode: entry.mode ?? undefined,
    device: entry.device ?? undefined,
  }));
  const complaint = parsed.error?.replace(/\s+/g, ' ').slice(0, 160);
  return { tool: `Python ${kind}file`, ok: parsed.ok, complaint, entries };
}
