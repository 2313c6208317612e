// Puts a reference listing into snapinspect's terms (names decoded the way snapinspect decodes raw bytes,
// paths resolved as extraction resolves them, later members replacing earlier ones) and lists, one line
// each, where two readings of an artifact differ.
import { TextDecoder } from 'node:util';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The same decoding as src/model/display.ts decodeName, so raw bytes compare with listed names. */
export function decodeName(bytes) {
  try {
    return strictUtf8.decode(bytes).replace(/\\(?=x[0-9a-fA-F]{2})/g, '\\x5c');
  } catch {
    return Array.from(bytes, (byte) =>
      byte >= 0x20 && byte < 0x7f && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`,
    ).join('');
  }
}

export function normalisePath(name) {
  const segments = [];
  for (const segment of name.split('/'))
    if (segment === '..') segments.pop();
    else if (segment !== '' && segment !== '.') segments.push(segment);
  return segments.join('/');
}

/** A reference's entries by snapinspect-style path; the root itself (`./`) is not a listed entry. */
export function referenceView(reference) {
  const view = new Map();
  for (const entry of reference.entries) {
    const path = normalisePath(decodeName(entry.name));
    // A GNU volume label (type V) names the archive, not a member; GNU tar lists it as `NAME--Volume Header--`.
    if (path === '' || entry.kind === 'other V') continue;
    const link = entry.link === undefined ? undefined : decodeName(entry.link);
    view.set(path, { ...entry, path, link: entry.kind === 'hardlink' && link ? normalisePath(link) : link });
  }
  return view;
}

export function snapinspectView(reading) {
  return new Map(reading.entries.map((entry) => [entry.path, entry]));
}

/**
 * Only a regular file's size is its data: tar headers of links, devices, FIFOs and directories may
 * carry a size field, which GNU tar and snapinspect both treat as no data, so it is not compared.
 */
const fields = [
  ['kind', () => true],
  ['size', (a, b) => a.kind === 'file' && b.kind === 'file'],
  ['mode', () => true],
  ['uid', () => true],
  ['gid', () => true],
  ['link', (a) => a.kind === 'symlink' || a.kind === 'hardlink'],
  ['device', (a) => a.kind === 'chardev' || a.kind === 'blockdev'],
  ['sha256', () => true],
];

function shown(field, value) {
  if (Array.isArray(value)) return value.join(',');
  return field === 'mode' ? `0${value.toString(8)}` : String(value);
}

function sameValue(a, b) {
  return Array.isArray(a) && Array.isArray(b) ? a.join(',') === b.join(',') : a === b;
}

/** Fields both readings know and disagree on: a field one side does not give (zip owners) is not compared. */
function fieldDifferences(path, left, right) {
  const reasons = [];
  for (const [field, applies] of fields) {
    const a = left[field];
    const b = right[field];
    if (a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) || !applies(left, right)) continue;
    if (!sameValue(a, b)) reasons.push(`${path}: ${field} ${shown(field, a)} vs ${shown(field, b)}`);
  }
  // A member the reference could not read either (encrypted, say) is no difference when cat refuses it.
  const referenceRead = /^[0-9a-f]{64}$/.test(String(right.sha256));
  if (left.catStatus && referenceRead) reasons.push(`${path}: ${left.catStatus}`);
  return reasons;
}

function isImpliedFolder(path, entry, other) {
  if (entry.kind !== 'dir') return false;
  const prefix = `${path}/`;
  for (const key of other.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/** Long names (Go's fixtures hold 1 KiB ones) are cut so a reason stays one readable line. */
export function shortName(path) {
  return path.length > 60 ? `${path.slice(0, 28)}…${path.slice(-28)} (${path.length} chars)` : path;
}

/** One line per difference between two views (left is the reading under test). */
export function differences(left, right, rightName) {
  const reasons = [];
  for (const path of right.keys()) if (!left.has(path)) reasons.push(`${shortName(path)}: listed by ${rightName} only`);
  for (const [path, entry] of left) {
    const other = right.get(path);
    if (other) for (const reason of fieldDifferences(shortName(path), entry, other)) reasons.push(reason);
    else if (!isImpliedFolder(path, entry, right)) reasons.push(`${shortName(path)}: not listed by ${rightName}`);
  }
  return reasons;
}
