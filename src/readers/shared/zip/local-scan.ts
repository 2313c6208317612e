import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import { decodeName } from '../../../model/display.js';
import { limits } from '../limits.js';
import type { Source } from '../../../model/source.js';
import { applyZip64Extra, dosTime } from './fields.js';
import { SIGNATURES, type ZipEntry } from './types.js';

export const LOCAL_SIZE = 30;

export interface LocalHeader {
  entry: ZipEntry;
  dataOffset: number;
  /** Sizes follow the data in a descriptor, so the header alone does not say where the next member starts. */
  sizesLater: boolean;
}

/** The local header at `offset`, or undefined when there is none (or it is cut off). */
export async function readLocalHeader(
  source: Source,
  offset: number,
  diagnostics: Diagnostic[],
): Promise<LocalHeader | undefined> {
  const fixed = await source.read(offset, LOCAL_SIZE);
  if (fixed.length < LOCAL_SIZE) return undefined;
  const view = new DataView(fixed.buffer, fixed.byteOffset, fixed.byteLength);
  if (view.getUint32(0, true) !== SIGNATURES.local) return undefined;
  const nameLength = view.getUint16(26, true);
  const extraLength = view.getUint16(28, true);
  const variable = await source.read(offset + LOCAL_SIZE, nameLength + extraLength);
  if (variable.length < nameLength + extraLength) return undefined;
  const name = decodeName(variable.subarray(0, nameLength));
  const flags = view.getUint16(6, true);
  const entry: ZipEntry = {
    name,
    isDirectory: name.endsWith('/'),
    isSymlink: false,
    method: view.getUint16(8, true),
    encrypted: (flags & 1) === 1,
    crc32: view.getUint32(14, true),
    compressedSize: view.getUint32(18, true),
    size: view.getUint32(22, true),
    localOffset: offset,
    mtime: dosTime(view.getUint16(12, true), view.getUint16(10, true)),
    zip64: false,
  };
  applyZip64Extra(entry, variable.subarray(nameLength), false, diagnostics);
  return { entry, dataOffset: offset + LOCAL_SIZE + nameLength + extraLength, sizesLater: (flags & 0x08) !== 0 };
}

/** The warning for a zip listed only up to `limits.zipEntries` members, from either index. */
export function tooManyEntries(): Diagnostic {
  return diagnostic(
    'warning',
    'TOO_MANY_ENTRIES',
    `more than ${limits.zipEntries} zip entries; only the first ${limits.zipEntries} are listed`,
  );
}

/** Walks local headers front to back; stops at the first member whose data is cut off or whose size is only in a trailing descriptor. */
export async function scanLocalHeaders(source: Source, diagnostics: Diagnostic[]): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  let offset = 0;
  for (;;) {
    const header = await readLocalHeader(source, offset, diagnostics);
    if (!header) break;
    if (entries.length >= limits.zipEntries) {
      diagnostics.push(tooManyEntries());
      break;
    }
    const end = header.dataOffset + header.entry.compressedSize;
    if (header.sizesLater) {
      diagnostics.push(
        diagnostic(
          'warning',
          'ZIP_RECOVERY_STOPPED',
          `${header.entry.name} keeps its sizes after its data; members after it cannot be recovered without a central directory`,
          header.entry.name,
        ),
      );
      break;
    }
    if (end > source.size) {
      diagnostics.push(
        diagnostic(
          'error',
          'ZIP_TRUNCATED',
          `${header.entry.name} is cut off: its data should end at byte ${end} but the file has ${source.size} bytes`,
          header.entry.name,
        ),
      );
      break;
    }
    entries.push(header.entry);
    offset = end;
  }
  return entries;
}
