import { decodeName } from '../../model/display.js';
import { alignUp } from './bytes.js';
import { u32be, u64be } from '../shared/bytes.js';
import type { Qcow2Header } from './header.js';

/** More extensions than any writer produces (QEMU writes at most five); beyond this the area is garbage. */
const MAX_EXTENSIONS = 64;
const MAX_FEATURE_NAMES = 192;
const FEATURE_NAME_ENTRY = 48;

const EXTENSION_NAMES: Record<number, string> = {
  0xe2792aca: 'backing file format',
  0x6803f857: 'feature name table',
  0x23852875: 'bitmaps',
  0x0537be77: 'full disk encryption',
  0x44415441: 'external data file',
};

type FeatureType = 'incompatible' | 'compatible' | 'autoclear';
const FEATURE_TYPES: FeatureType[] = ['incompatible', 'compatible', 'autoclear'];

/** What QEMU writes into the feature name table; used when an image has no table. */
const DEFAULT_FEATURE_NAMES: Record<FeatureType, string[]> = {
  incompatible: ['dirty bit', 'corrupt bit', 'external data file', 'compression type', 'extended L2 entries'],
  compatible: ['lazy refcounts'],
  autoclear: ['bitmaps', 'raw external data'],
};

export interface HeaderExtension {
  type: number;
  name: string;
  offset: number;
  length: number;
}

interface ExtensionProblem {
  code: 'QCOW2_BAD_HEADER' | 'QCOW2_TABLE_TOO_LARGE';
  message: string;
}

export interface Extensions {
  list: HeaderExtension[];
  /** `type:bit` → name, from the feature name table. */
  featureNames: Map<string, string>;
  backingFormat: string | null;
  externalDataFile: string | null;
  bitmaps: { count: number; directorySize: bigint; directoryOffset: bigint } | null;
  encryption: { offset: bigint; length: bigint } | null;
  problems: ExtensionProblem[];
}

/**
 * Extensions between the header and the end of the first cluster (or the backing file name, if
 * it comes first), as QEMU reads them: `{type, length, data, padding}` until type 0.
 */
export function parseExtensions(bytes: Uint8Array, header: Qcow2Header, clusterSize: number): Extensions {
  const found: Extensions = {
    list: [],
    featureNames: new Map(),
    backingFormat: null,
    externalDataFile: null,
    bitmaps: null,
    encryption: null,
    problems: [],
  };
  const backing = Number(header.backingFileOffset);
  const end = Math.min(header.backingFileOffset > 0n && backing < clusterSize ? backing : clusterSize, bytes.length);
  let at = header.headerLength;
  while (at < end) {
    if (found.list.length >= MAX_EXTENSIONS) {
      found.problems.push({
        code: 'QCOW2_TABLE_TOO_LARGE',
        message: `more than ${MAX_EXTENSIONS} header extensions; the rest are ignored`,
      });
      break;
    }
    const type = u32be(bytes, at);
    const length = u32be(bytes, at + 4);
    if (at + 8 > end || length > end - at - 8) {
      found.problems.push({
        code: 'QCOW2_BAD_HEADER',
        message: `header extension at byte ${at} runs past the end of the header area (byte ${end})`,
      });
      break;
    }
    if (type === 0) break;
    const data = bytes.subarray(at + 8, at + 8 + length);
    found.list.push({ type, name: EXTENSION_NAMES[type] ?? 'unknown', offset: at, length });
    decodeExtension(type, data, found);
    at += 8 + alignUp(length, 8);
  }
  return found;
}

function decodeExtension(type: number, data: Uint8Array, found: Extensions): void {
  if (type === 0xe2792aca) found.backingFormat = decodeName(data);
  else if (type === 0x44415441) found.externalDataFile = decodeName(data);
  else if (type === 0x6803f857) readFeatureNames(data, found);
  else if (type === 0x23852875 && data.length >= 24)
    found.bitmaps = { count: u32be(data, 0), directorySize: u64be(data, 8), directoryOffset: u64be(data, 16) };
  else if (type === 0x0537be77 && data.length >= 16)
    found.encryption = { offset: u64be(data, 0), length: u64be(data, 8) };
}

function readFeatureNames(data: Uint8Array, found: Extensions): void {
  const entries = Math.floor(data.length / FEATURE_NAME_ENTRY);
  if (entries > MAX_FEATURE_NAMES) {
    found.problems.push({
      code: 'QCOW2_TABLE_TOO_LARGE',
      message: `feature name table has ${entries} entries; only the first ${MAX_FEATURE_NAMES} are read`,
    });
  }
  for (let i = 0; i < Math.min(entries, MAX_FEATURE_NAMES); i++) {
    const entry = data.subarray(i * FEATURE_NAME_ENTRY, (i + 1) * FEATURE_NAME_ENTRY);
    const nameBytes = entry.subarray(2);
    const nul = nameBytes.indexOf(0);
    const type = FEATURE_TYPES[entry[0] ?? 0xff];
    if (type)
      found.featureNames.set(
        `${type}:${entry[1] ?? 0}`,
        decodeName(nameBytes.subarray(0, nul < 0 ? nameBytes.length : nul)),
      );
  }
}

/** Names of the set bits, from the image's own feature name table when it has one. */
export function featureList(bits: bigint, type: FeatureType, names: Map<string, string>): string[] {
  const list: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if (((bits >> BigInt(bit)) & 1n) === 0n) continue;
    list.push(names.get(`${type}:${bit}`) ?? DEFAULT_FEATURE_NAMES[type][bit] ?? `bit ${bit}`);
  }
  return list;
}
