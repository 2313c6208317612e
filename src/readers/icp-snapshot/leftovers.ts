import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord, MetaValue } from '../../model/metadata.js';
import type { NodeFlag } from '../../model/tree.js';
import { ICP_BLOBS, SLICE_BYTES } from './layout.js';
import { isJsonObject, parseJson, type JsonObject, type JsonValue } from '../shared/json.js';

export interface LeftoverInfo {
  note: string;
  flags: NodeFlag[];
  attrs: MetaRecord;
  diagnostics: Diagnostic[];
}

type ReadText = () => Promise<string | null>;

const dfxProgressName = /^(?:[0-9a-f]{2}){8,64}\.json$/;

export function isLeftoverName(name: string): boolean {
  return fixedLeftovers.has(name) || dfxProgressName.test(name);
}

const fixedLeftovers = new Map<string, (read: ReadText, sizes: MetaRecord) => Promise<LeftoverInfo>>([
  ['.lock', async () => lockInfo()],
  ['.download_progress.json', (read, sizes) => downloadProgress(read, sizes)],
  [
    '.download_progress.json.tmp',
    async () => ({
      note: 'icp-cli progress temp file: the download died while saving progress',
      flags: ['leftover'],
      attrs: {},
      diagnostics: [
        diagnostic(
          'error',
          'ICP_PROGRESS_TMP',
          'icp-cli died while saving download progress: the download is incomplete',
          '.download_progress.json.tmp',
        ),
      ],
    }),
  ],
  ['.upload_progress.json', (read) => uploadProgress(read, '.upload_progress.json', 'icp-cli')],
  [
    '.snapshot_write_test',
    async () => ({
      note: 'dfx writability probe: dfx died right after starting',
      flags: ['leftover'],
      attrs: {},
      diagnostics: [
        diagnostic(
          'warning',
          'ICP_WRITE_TEST',
          'dfx writability probe left behind: a dfx download died at its start',
          '.snapshot_write_test',
        ),
      ],
    }),
  ],
]);

export async function describeLeftover(name: string, read: ReadText, sizes: MetaRecord): Promise<LeftoverInfo> {
  const fixed = fixedLeftovers.get(name);
  if (fixed) return fixed(read, sizes);
  return uploadProgress(read, name, 'dfx');
}

function lockInfo(): LeftoverInfo {
  const note = 'icp-cli lock file: harmless, shows icp-cli downloaded or uploaded here';
  return {
    note,
    flags: ['leftover'],
    attrs: {},
    diagnostics: [diagnostic('info', 'ICP_LEFTOVER_LOCK', note, '.lock')],
  };
}

async function readJsonObject(read: ReadText): Promise<JsonObject | string> {
  const text = await read();
  if (text === null) return 'unreadable or too large';
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed.error;
  return isJsonObject(parsed.value) ? parsed.value : 'not a JSON object';
}

async function downloadProgress(read: ReadText, sizes: MetaRecord): Promise<LeftoverInfo> {
  const path = '.download_progress.json';
  const json = await readJsonObject(read);
  const attrs: MetaRecord = {};
  const missing: string[] = [];
  if (typeof json !== 'string') {
    for (const blob of ICP_BLOBS) {
      const size = sizes[blob.sizeField];
      const ranges = typeof size === 'bigint' ? missingSlices(json[blob.key], size) : [];
      attrs[`${blob.file} not downloaded`] = ranges.map(([start, end]) => `${start}-${end - 1}`);
      if (ranges.length > 0) missing.push(`${blob.file} bytes ${ranges.map(([s, e]) => `${s}-${e - 1}`).join(', ')}`);
    }
  }
  const detail =
    typeof json === 'string'
      ? `progress file ${json}`
      : missing.length
        ? `not downloaded: ${missing.join('; ')}`
        : 'all slices marked done';
  return {
    note: 'icp-cli download progress: the download has not finished',
    flags: ['leftover'],
    attrs,
    diagnostics: [diagnostic('error', 'ICP_DOWNLOAD_INCOMPLETE', `icp-cli download unfinished (${detail})`, path)],
  };
}

/** Slices neither below the frontier nor listed ahead of it, merged into [start, end) byte ranges. */
export function missingSlices(progress: JsonValue | undefined, size: bigint): [number, number][] {
  const total = Number(size);
  const frontier = isJsonObject(progress) && typeof progress.frontier === 'bigint' ? Number(progress.frontier) : 0;
  const aheadList = isJsonObject(progress) && Array.isArray(progress.ahead) ? progress.ahead : [];
  const ahead = new Set(aheadList.filter((v): v is bigint => typeof v === 'bigint').map(Number));
  const ranges: [number, number][] = [];
  const firstSlice = Math.ceil(frontier / SLICE_BYTES) * SLICE_BYTES;
  for (let start = firstSlice; start < total && ranges.length < 10_000; start += SLICE_BYTES) {
    if (ahead.has(start)) continue;
    const end = Math.min(start + SLICE_BYTES, total);
    const last = ranges[ranges.length - 1];
    if (last && last[1] === start) last[1] = end;
    else ranges.push([start, end]);
  }
  return ranges;
}

async function uploadProgress(read: ReadText, path: string, tool: 'icp-cli' | 'dfx'): Promise<LeftoverInfo> {
  const json = await readJsonObject(read);
  const attrs: MetaRecord = {};
  if (typeof json !== 'string') {
    for (const [key, value] of Object.entries(json)) attrs[key] = summariseProgressValue(value);
  }
  const id = typeof json !== 'string' && typeof json.snapshot_id === 'string' ? json.snapshot_id : 'unknown';
  if (tool === 'icp-cli') {
    const message = `icp-cli upload was interrupted (new snapshot ${id}); resume it with --resume`;
    return {
      note: 'icp-cli upload progress: an upload was interrupted',
      flags: ['leftover'],
      attrs,
      diagnostics: [diagnostic('warning', 'ICP_UPLOAD_INTERRUPTED', message, path)],
    };
  }
  const message = `dfx upload record: this folder was uploaded at least once, as snapshot ${id}`;
  return {
    note: 'dfx upload progress (kept after success)',
    flags: ['leftover'],
    attrs,
    diagnostics: [diagnostic('info', 'ICP_UPLOADED_BEFORE', message, path)],
  };
}

function summariseProgressValue(value: JsonValue): MetaValue {
  if (Array.isArray(value)) return `${value.length} entries`;
  if (isJsonObject(value)) return `${Object.keys(value).length} entries`;
  return value;
}
