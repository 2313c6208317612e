import { appendPage, countPages, scanPages, type PageRanges, type PageScan } from '../model/memory.js';
import { limits } from '../diff/limits.js';
import type { PageTokens, TreeNode } from '../model/tree.js';

/** A disk's cluster map says which pages hold data without reading them: token 0 is unallocated. */
export function scanTokens({ tokens }: PageTokens): PageScan {
  const zeroRanges: PageRanges = [];
  const dataRanges: PageRanges = [];
  tokens.forEach((token, page) => appendPage(token === 0n ? zeroRanges : dataRanges, page));
  return { pageCount: tokens.length, zeroPages: countPages(zeroRanges), zeroRanges, dataRanges };
}

export type PageSummary = { scan: PageScan } | { skipped: string } | null;

/**
 * The page map of a memory node: from its page tokens when the reader has them, else by reading
 * it. A virtual disk can claim any size in a few header bytes, so reading stops being an option
 * above `memoryScanBytes`. Null for nodes that have no pages.
 */
export async function summarisePages(node: TreeNode): Promise<PageSummary> {
  if (node.kind !== 'memory' || !node.pageSize) return null;
  if (node.pageTokens) return { scan: scanTokens(await node.pageTokens()) };
  if (!node.content) return null;
  if (node.size > limits.memoryScanBytes)
    return {
      skipped: `${node.size} bytes is over the memoryScanBytes limit of ${limits.memoryScanBytes}; pages not scanned`,
    };
  return { scan: await scanPages(node.content, node.pageSize) };
}
