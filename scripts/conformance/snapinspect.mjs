// snapinspect's reading of one artifact through the built CLI: `ls -R -l --json` for the listing, `hash`
// for owner names and device numbers (which the listing leaves out), and `cat` of every regular file.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

let cli = fileURLToPath(new URL('../../bin/snapinspect.js', import.meta.url));
const OUTPUT_BUFFER = 512 * 1024 * 1024;

/** A fresh node per command: each `cat` costs a start-up, so at most this many are run per artifact. */
export const MAX_CATS = 40;

/** Runs `bundle` (a build of src/cli.ts) instead of bin/snapinspect.js. */
export function useBundle(bundle) {
  cli = bundle;
}

function snapinspect(args) {
  return spawnSync(process.execPath, [cli, ...args], { maxBuffer: OUTPUT_BUFFER, timeout: 120_000 });
}

/** The first line of a message, without the scratch folder the artifact was copied to. */
function firstLine(buffer) {
  const line =
    buffer
      .toString('utf8')
      .split('\n')
      .find((text) => text.trim() !== '') ?? '';
  return line.replace(/\/tmp\/conformance-[^/]+\/[^/]+\//g, '').slice(0, 160);
}

function parseJson(result) {
  try {
    return JSON.parse(result.stdout.toString('utf8'));
  } catch {
    return null;
  }
}

/** `chardev 1:3` as `['chardev', [1, 3]]`. */
function deviceOf(attrs) {
  const match = /^(chardev|blockdev) (\d+):(\d+)$/.exec(String(attrs?.device ?? ''));
  return match ? [match[1], [Number(match[2]), Number(match[3])]] : null;
}

/** `hash` digests every file (60 GB for Go's sparse fixtures), so it runs only when its fields are needed. */
function needsManifest(listing, cap) {
  const files = listing.filter((item) => item.kind === 'file' && item.size <= cap).length;
  return files > MAX_CATS || listing.some((item) => item.kind === 'device');
}

function manifestEntries(file, format) {
  const manifest = parseJson(snapinspect(['hash', ...format, file]));
  return new Map((manifest?.files ?? []).map((entry) => [entry.path, entry]));
}

/**
 * `{ ok, status, complaint?, entries }` with entries `{ path, kind, size, mode, uid, gid, link?, device?,
 * sha256?, catStatus? }` keyed by the path snapinspect shows.
 */
export function readWithSnapinspect(kind, file, cap) {
  const format = ['--format', kind];
  const listed = snapinspect(['ls', '-R', '-l', '--json', ...format, file]);
  const listing = parseJson(listed);
  if (!Array.isArray(listing))
    return { ok: false, status: listed.status, complaint: firstLine(listed.stderr) || 'no listing', entries: [] };
  const hashed = needsManifest(listing, cap) ? manifestEntries(file, format) : new Map();
  const entries = listing.map((item) => {
    const entry = { path: item.path, kind: item.kind, size: item.size, mode: parseInt(item.mode ?? '', 8) };
    Object.assign(entry, { uid: item.uid, gid: item.gid, link: item.linkTarget });
    const device = deviceOf(hashed.get(item.path)?.attrs);
    if (device) [entry.kind, entry.device] = device;
    return entry;
  });
  let cats = 0;
  for (const entry of entries) {
    if (entry.kind !== 'file' || entry.size > cap) continue;
    if (++cats > MAX_CATS) entry.sha256 = hashed.get(entry.path)?.sha256;
    else catInto(entry, file, format);
  }
  const complaint = listed.status === 0 ? undefined : firstLine(listed.stderr);
  return { ok: listed.status === 0, status: listed.status, complaint, entries, diagnostics: firstLine(listed.stderr) };
}

function catInto(entry, file, format) {
  const result = snapinspect(['cat', '--raw', ...format, `${file}:${entry.path}`]);
  entry.sha256 = createHash('sha256').update(result.stdout).digest('hex');
  if (result.status !== 0) entry.catStatus = `cat exit ${result.status}: ${firstLine(result.stderr).slice(0, 100)}`;
}
