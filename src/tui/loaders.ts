import { textDiffLines, textOf } from '../app/diff.js';
import { scanTokens } from '../app/page-scan.js';
import { pageCount, scanPages } from '../model/memory.js';
import { childrenOf, type TreeNode } from '../model/tree.js';
import { printedContent, type SecretsPolicy } from '../app/printed.js';
import { hexLines, HEX_BYTES_PER_LINE, numberedLines, sideBySide } from './content.js';
import { hasContentDiff, type Entry } from './entries.js';
import type { ViewModel } from './model.js';
import { diffClasses, scanClasses, type PageClass } from './page-map.js';

/** Bytes of one file read to show as text; larger files show their start (hex pages through all of it). */
const VIEW_TEXT_BYTES = 4 * 1024 * 1024;

/** Lets keys and redraws through between chunks of long work. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Text with line numbers; a changed file in a diff as a unified or side-by-side diff. */
export async function textLines(entry: Entry, model: ViewModel, sideBySideWidth: number | null): Promise<string[]> {
  if (hasContentDiff(entry) && model.kind === 'diff') return diffText(entry, model, sideBySideWidth);
  const content = await printedContent(entry.node, entry.path, model.secrets);
  if (!content) return ['(no content)'];
  const bytes = await content.read(0, Math.min(content.size, VIEW_TEXT_BYTES));
  const lines = numberedLines(bytes);
  if (!lines) return ['binary content: x shows it as hex', '', ...hexLines(bytes.subarray(0, 4096), 0)];
  return content.size > bytes.length
    ? [...lines, `… the first ${bytes.length} of ${content.size} bytes; x shows all of it as hex`]
    : lines;
}

async function diffText(
  entry: Entry,
  model: Extract<ViewModel, { kind: 'diff' }>,
  width: number | null,
): Promise<string[]> {
  const change = entry.change;
  if (!change) return [];
  if (width === null) return textDiffLines(model.before, model.after, [change], model.secrets);
  const [before, after] = await Promise.all([
    textOf(entry.before, entry.path, model.secrets),
    textOf(entry.node, entry.path, model.secrets),
  ]);
  if (before === undefined || after === undefined)
    return [`binary or large file: first difference at byte ${change.firstDifference ?? 0}`];
  return sideBySide(before, after, width);
}

/** The hex lines of a window of the content, read on demand so any size pages. */
export async function hexWindow(
  entry: Entry,
  window: { top: number; rows: number },
  secrets: SecretsPolicy,
): Promise<string[]> {
  const { top, rows } = window;
  const content = await printedContent(entry.node, entry.path, secrets);
  if (!content) return ['(no content)'];
  const offset = top * HEX_BYTES_PER_LINE;
  return hexLines(await content.read(offset, rows * HEX_BYTES_PER_LINE), offset);
}

/**
 * Classes of every page: from the diff when the memory changed, from the disk's cluster map, or by
 * scanning the content. The scan yields between blocks and stops when `cancelled()` turns true.
 */
export async function pageClasses(
  entry: Entry,
  progress: (fraction: number) => void,
  cancelled: () => boolean,
): Promise<PageClass[]> {
  const { node } = entry;
  const pageSize = node.pageSize ?? 1;
  if (entry.memoryChange)
    return diffClasses(entry.memoryChange, pageCount(Math.max(node.size, entry.before?.size ?? 0), pageSize));
  if (node.pageTokens) return scanClasses(scanTokens(await node.pageTokens()));
  if (!node.content) return [];
  const scan = await scanPages(node.content, pageSize, async (done) => {
    progress(done / Math.max(1, node.size));
    await nextTurn();
    if (cancelled()) throw new Error('cancelled');
  });
  return scanClasses(scan);
}

export async function pageDump(entry: Entry, page: number, rows: number): Promise<string[]> {
  const { content, pageSize } = entry.node;
  if (!content || !pageSize) return [];
  const offset = page * pageSize;
  return hexLines(await content.read(offset, Math.min(pageSize, rows * HEX_BYTES_PER_LINE)), offset);
}

/** Sizes of folders with everything below, reported in batches so a huge folder never stalls keys. */
export async function folderSizes(
  entries: Entry[],
  report: (sizes: [string, number][]) => void,
  cancelled: () => boolean,
): Promise<void> {
  // The frame with the new rows comes first.
  await nextTurn();
  let batch: [string, number][] = [];
  let flushed = Date.now();
  for (const entry of entries) {
    if (cancelled()) return;
    if (entry.node.kind !== 'dir') continue;
    batch.push([entry.path, await folderSize(entry.node, cancelled)]);
    if (Date.now() - flushed > 50) {
      report(batch);
      batch = [];
      flushed = Date.now();
    }
  }
  if (batch.length > 0 && !cancelled()) report(batch);
}

const YIELD_EVERY = 2000;

/**
 * A folder's size with everything below. Unlike the model's treeSize, which resolves in one
 * unbroken chain of promises, this lets keys and frames through every few thousand entries.
 */
async function folderSize(node: TreeNode, cancelled: () => boolean): Promise<number> {
  let total = 0;
  let seen = 0;
  for (const child of await childrenOf(node)) {
    if (cancelled()) return total;
    total += child.kind === 'dir' ? await folderSize(child, cancelled) : child.size;
    if (++seen % YIELD_EVERY === 0) await nextTurn();
  }
  return total;
}
