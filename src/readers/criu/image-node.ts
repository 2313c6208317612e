import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { Source } from '../../model/source.js';
import { lazy, type TreeNode } from '../../model/tree.js';
import { entryNodes } from './entries.js';
import { readHeader, walkImage, type ImageEntry, type ImageHeader } from './image.js';
import { expectedMagic, hex32, magicName } from './magic.js';
import { pushAll } from '../../model/arrays.js';
import { limits } from './limits.js';

export interface ImageView {
  header: ImageHeader | null;
  /** Facts shown on the file's node (and, for a single image, as the snapshot's metadata). */
  attrs: MetaRecord;
  note: string;
  /** The image's entries as records, read when first listed. */
  children?: () => Promise<TreeNode[]>;
  diagnostics: Diagnostic[];
}

/**
 * Checks an image's header against what its name promises and walks its entries once, handing
 * each to the visitor `visitFor` picks for the magic found. Never throws on bad bytes: every
 * problem is a diagnostic.
 */
export async function readImage(
  source: Source,
  name: string,
  visitFor?: (magic: number) => ((entry: ImageEntry) => void) | undefined,
): Promise<ImageView> {
  const head = await source.read(0, 8);
  const header = readHeader(head);
  const expected = expectedMagic(name);
  if (!header) return headerless(source, name, expected);
  const diagnostics: Diagnostic[] = [];
  if (head.length < header.size) {
    diagnostics.push(diagnostic('error', 'CRIU_TRUNCATED', `${name} ends inside its ${header.size}-byte header`, name));
    return { header: null, attrs: { byte_order: header.byteOrder }, note: 'truncated CRIU image', diagnostics };
  }
  const known = magicName(header.magic);
  if (expected !== undefined && header.magic !== expected) {
    const message = `${name} has magic ${known ?? hex32(header.magic)}, but its name says ${magicName(expected) ?? hex32(expected)}`;
    diagnostics.push(diagnostic('error', 'CRIU_BAD_MAGIC', message, name));
  }
  const scan = await walkImage(source, header, name, visitFor?.(header.magic));
  pushAll(diagnostics, scan.diagnostics);
  if (scan.entries > limits.criuRecords) diagnostics.push(recordsCut(name, scan.entries));
  const attrs: MetaRecord = {
    magic: known ?? hex32(header.magic),
    magic_hex: hex32(header.magic),
    header: header.family ?? 'inventory',
    byte_order: header.byteOrder,
    entries: scan.entries,
  };
  if (scan.trailing > 0) attrs.data_bytes = scan.trailing;
  const what = known === undefined ? `CRIU image with unknown magic ${hex32(header.magic)}` : `CRIU ${known} image`;
  const children = lazy(() => entryNodes(source, header, name));
  return {
    header,
    attrs,
    note: `${what}, ${scan.entries} ${scan.entries === 1 ? 'entry' : 'entries'}`,
    children,
    diagnostics,
  };
}

/** Records are built per entry when listed; past criuRecords they would cost more than any listing is worth. */
function recordsCut(name: string, entries: number): Diagnostic {
  const message = `${name} has ${entries} entries; only the first ${limits.criuRecords} are listed as records (limit criuRecords)`;
  return diagnostic('warning', 'CRIU_TOO_MANY_RECORDS', message, name);
}

function headerless(source: Source, name: string, expected: number | undefined): ImageView {
  const view: ImageView = { header: null, attrs: {}, note: '', diagnostics: [] };
  // Files CRIU does not write (logs, podman's config.dump) are just files; `.img` ones should be images.
  if (expected === undefined && !name.endsWith('.img')) return view;
  view.note = 'not a CRIU image: no image header';
  if (source.size < 4) {
    view.diagnostics.push(
      diagnostic('error', 'CRIU_TRUNCATED', `${name} is ${source.size} bytes, shorter than an image header`, name),
    );
  } else {
    const severity = expected === undefined ? 'warning' : 'error';
    view.diagnostics.push(
      diagnostic(
        severity,
        'CRIU_BAD_MAGIC',
        `${name} does not start with a CRIU image magic in either byte order`,
        name,
      ),
    );
  }
  return view;
}

/** A file node dressed with what its image header and entries say. */
export function withImage(node: TreeNode, view: ImageView): TreeNode {
  if (!view.note) return node;
  const dressed: TreeNode = { ...node, attrs: { ...node.attrs, ...view.attrs }, note: view.note };
  if (view.children) dressed.children = view.children;
  return dressed;
}
