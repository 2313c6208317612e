// Finds the tar, compressed-tar and zip test artifacts in fetched mirrors (bare git directories) or in
// a folder, and writes each to a scratch folder so every tool reads the same file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where each peer keeps its archive fixtures; anything else in those repositories is not a test artifact. */
export const knownCorpora = [
  {
    mirror: 'vbatts+tar-split',
    label: 'Go archive/tar (vbatts/tar-split)',
    include: /^(archive\/tar|tar\/asm)\/testdata\//,
  },
  { mirror: 'klauspost+compress', label: 'Go archive/zip (klauspost/compress)', include: /^zip\/testdata\// },
  { mirror: 'isaacs+node-tar', label: 'node-tar (isaacs/node-tar)', include: /^test\// },
  { mirror: 'python+cpython', label: 'CPython (python/cpython)', include: /^Lib\/test\/archivetestdata\// },
  { mirror: 'google+go-containerregistry', label: 'go-containerregistry', include: /\/testdata\// },
  { mirror: 'containers+image', label: 'containers/image', include: /\/(fixtures|testdata)\// },
  { mirror: 'libarchive+libarchive', label: 'libarchive (uuencoded)', include: /^(libarchive|tar)\/test\/.*\.uu$/ },
];

/** Larger blobs are not fixtures but benchmarks; leaving them out keeps a run to minutes. */
const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

function tarChecksumValid(bytes) {
  if (bytes.length < 512) return false;
  const stored = parseInt(bytes.subarray(148, 156).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (bytes[i] ?? 0);
  return stored === sum;
}

function looksLikeTar(bytes) {
  return tarChecksumValid(bytes) || bytes.subarray(257, 262).toString('latin1') === 'ustar';
}

function hasZipEndRecord(bytes) {
  const tail = bytes.subarray(Math.max(0, bytes.length - 65557));
  return tail.includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
}

function decompressHead(bytes, command) {
  const result = spawnSync(command, ['-dc'], { input: bytes, maxBuffer: 1 << 20 });
  return result.stdout ?? Buffer.alloc(0);
}

/** libarchive keeps its test archives uuencoded (`begin 644 NAME` … `end`). */
export function uudecode(text) {
  const out = [];
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('begin '));
  for (const line of lines.slice(start + 1)) {
    if (line === 'end') break;
    const length = (line.charCodeAt(0) - 32) & 63;
    const bytes = [];
    for (let i = 1; bytes.length < length; i += 4) {
      const [a, b, c, d] = [0, 1, 2, 3].map((k) => ((line.charCodeAt(i + k) || 32) - 32) & 63);
      bytes.push((a << 2) | (b >> 4), ((b & 15) << 4) | (c >> 2), ((c & 3) << 6) | d);
    }
    out.push(Buffer.from(bytes.slice(0, length)));
  }
  return Buffer.concat(out);
}

const unsupportedCodecs = [
  { name: 'bzip2', magic: Buffer.from('BZh') },
  { name: 'xz', magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
];

/**
 * What an artifact is: `tar` (plain or gzip/zstd, which all three readers open directly), `tar-bzip2` or
 * `tar-xz` (snapinspect refuses those codecs by design, so the tar inside is compared instead) or `zip`;
 * null otherwise.
 */
export function classify(bytes, path) {
  if (bytes.length < 4) return null;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    let head = Buffer.alloc(0);
    try {
      head = gunzipSync(bytes, { maxOutputLength: 1 << 20, finishFlush: 2 });
    } catch (error) {
      head = Buffer.isBuffer(error.partial) ? error.partial : Buffer.alloc(0);
    }
    return looksLikeTar(head) || /\.(tgz|tar\.gz)$/.test(path) ? 'tar' : null;
  }
  for (const codec of unsupportedCodecs)
    if (bytes.subarray(0, codec.magic.length).equals(codec.magic))
      return looksLikeTar(decompressHead(bytes, codec.name)) ? `tar-${codec.name}` : null;
  if (bytes.readUInt32LE(0) === 0xfd2fb528) return looksLikeTar(decompressHead(bytes, 'zstd')) ? 'tar' : null;
  if (bytes.readUInt32LE(0) === 0x04034b50 || hasZipEndRecord(bytes)) return 'zip';
  if (looksLikeTar(bytes) || /\.tar$/.test(path)) return 'tar';
  return null;
}

function git(gitDir, args, maxBuffer = MAX_ARTIFACT_BYTES * 2) {
  const result = spawnSync('git', ['--git-dir', gitDir, ...args], { maxBuffer });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function* mirrorFiles(gitDir, include) {
  const listing = git(gitDir, ['ls-tree', '-r', '-l', '-z', 'HEAD']).toString('utf8').split('\0');
  for (const line of listing) {
    const match = /^\d+ blob \S+\s+(\d+)\t(.*)$/s.exec(line);
    if (!match || !include.test(match[2]) || Number(match[1]) > MAX_ARTIFACT_BYTES) continue;
    yield { path: match[2], read: () => git(gitDir, ['show', `HEAD:${match[2]}`]) };
  }
}

function* folderFiles(root) {
  const stack = [root];
  while (stack.length > 0) {
    const folder = stack.pop();
    for (const item of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, item.name);
      if (item.isDirectory()) stack.push(full);
      else if (item.isFile() && statSync(full).size <= MAX_ARTIFACT_BYTES)
        yield { path: relative(root, full), read: () => readFileSync(full) };
    }
  }
}

/** Writes each artifact of one corpus into `scratch` and returns `{ path, kind, file, note? }` sorted by path. */
function collect(files, scratch) {
  mkdirSync(scratch, { recursive: true });
  const artifacts = [];
  for (const { path: stored, read } of files) {
    const uuencoded = stored.endsWith('.uu');
    const path = uuencoded ? stored.slice(0, -3) : stored;
    const bytes = uuencoded ? uudecode(read().toString('latin1')) : read();
    const kind = bytes.length > 0 ? classify(bytes, path) : null;
    if (kind === null) continue;
    const file = join(scratch, path.replaceAll('/', '__'));
    if (kind.startsWith('tar-')) {
      const codec = kind.slice(4);
      writeFileSync(file, spawnSync(codec, ['-dc'], { input: bytes, maxBuffer: MAX_ARTIFACT_BYTES * 4 }).stdout);
      artifacts.push({ path, kind: 'tar', file, note: `${codec} removed first: snapinspect does not read ${codec}` });
    } else {
      writeFileSync(file, bytes);
      artifacts.push({ path, kind, file });
    }
  }
  return artifacts.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The corpora to compare: the given mirrors or folders, else every known mirror under `mirrorRoot`. */
export function corpora({ mirrors, folders, mirrorRoot, scratch }) {
  const chosen = [];
  const wanted = mirrors.length > 0 || folders.length > 0 ? mirrors : knownCorpora.map((corpus) => corpus.mirror);
  for (const name of wanted) {
    const known = knownCorpora.find((corpus) => corpus.mirror === name || name.includes(corpus.mirror));
    const gitDir = existsSync(join(name, 'HEAD')) ? name : join(mirrorRoot, name, 'repo');
    // Said in the table rather than skipped, so a short run is not mistaken for a clean one.
    if (!existsSync(gitDir)) {
      chosen.push({ label: known?.label ?? name, missing: gitDir, artifacts: () => [] });
      continue;
    }
    const include = known?.include ?? /(testdata|fixtures|test)\//;
    const scratchDir = join(scratch, known?.mirror ?? `mirror-${chosen.length}`);
    chosen.push({ label: known?.label ?? name, artifacts: () => collect(mirrorFiles(gitDir, include), scratchDir) });
  }
  for (const folder of folders)
    chosen.push({
      label: folder,
      artifacts: () => collect(folderFiles(folder), join(scratch, `dir-${chosen.length}`)),
    });
  return chosen;
}
