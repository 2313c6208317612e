import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { SliceSource, type Source } from '../../model/source.js';
import { dirNode, lazy, type TreeNode } from '../../model/tree.js';
import { PAGE_LAZY, PAGE_PARENT, PAGE_PRESENT, pagemapAttrs, type PagemapEntry } from './decode.js';
import { exact, hex } from './names.js';
import { uniqueNames } from '../shared/tree-names.js';

export interface Pagemap {
  file: string;
  pagesId?: number;
  /** The first entries, up to criuRecords: a pagemap may hold millions, and only these are listed. */
  entries: PagemapEntry[];
  /** Every entry, kept or not. */
  total: number;
  counts: PageCounts;
}

export interface PagesFile {
  file: string;
  source: Source;
}

export interface PageCounts {
  present: bigint;
  parent: bigint;
  lazy: bigint;
}

/** Page sizes Linux uses on the architectures CRIU supports. */
const PAGE_SIZES = [4096n, 16384n, 65536n];
export const DEFAULT_PAGE_SIZE = 4096;

export function emptyPagemap(file: string, pagesId: number | undefined): Pagemap {
  return { file, pagesId, entries: [], total: 0, counts: { present: 0n, parent: 0n, lazy: 0n } };
}

/** Counts every entry's pages, so the memory node is whole even when only `keep` entries are kept. */
export function countPagemapEntry(pagemap: Pagemap, entry: PagemapEntry, keep: number): void {
  const { counts } = pagemap;
  if (entry.flags & PAGE_PRESENT) counts.present += entry.pages;
  if (entry.flags & PAGE_PARENT) counts.parent += entry.pages;
  if (entry.flags & PAGE_LAZY) counts.lazy += entry.pages;
  pagemap.total++;
  if (pagemap.entries.length < keep) pagemap.entries.push(entry);
}

export function pageCounts(pagemap: Pagemap): PageCounts {
  return pagemap.counts;
}

/** The page size that makes the pages file exactly hold the present pages, if there is one. */
export function inferPageSize(present: bigint, pages: PagesFile): number | undefined {
  const size = BigInt(pages.source.size);
  if (present === 0n || size % present !== 0n) return undefined;
  const pageSize = size / present;
  return PAGE_SIZES.includes(pageSize) ? Number(pageSize) : undefined;
}

export function checkPagesSize(pagemap: Pagemap, pages: PagesFile, present: bigint, pageSize: number): Diagnostic[] {
  const expected = present * BigInt(pageSize);
  if (BigInt(pages.source.size) === expected) return [];
  const message = `${pages.file} is ${pages.source.size} bytes, but ${pagemap.file} lists ${present} present pages (${present} × ${pageSize} = ${expected} bytes)`;
  return [diagnostic('error', 'CRIU_PAGES_SIZE_MISMATCH', message, pages.file)];
}

/**
 * The process's dumped pages as one memory, in pagemap order: the order of the pages file, which
 * is ascending address order, but with the gaps between mappings left out.
 */
export function memoryNode(pages: PagesFile, present: bigint, pageSize: number): TreeNode {
  const wanted = present * BigInt(pageSize);
  const content = new SliceSource(
    pages.source,
    0,
    wanted < BigInt(pages.source.size) ? Number(wanted) : pages.source.size,
  );
  return {
    name: 'memory',
    kind: 'memory',
    size: content.size,
    pageSize,
    content,
    attrs: { pages_file: pages.file, page_size: pageSize, present_pages: exact(present) },
    note: 'dumped pages in pagemap order (ascending address, holes left out)',
  };
}

/** Pagemap entries as records, with the counts of present, parent and lazy pages. */
export function pagemapNode(pagemap: Pagemap, counts: PageCounts, pageSize: number): TreeNode {
  const attrs = {
    pages_id: pagemap.pagesId ?? null,
    entries: pagemap.total,
    present_pages: exact(counts.present),
    parent_pages: exact(counts.parent),
    lazy_pages: exact(counts.lazy),
  };
  const node = dirNode('pagemap', [], { attrs, note: `${pagemap.file}: ${pagemap.total} entries` });
  // A pagemap may hold a million entries; the records of the kept ones are built only when listed.
  node.children = lazy(async () => uniqueNames(pagemapRecords(pagemap, pageSize)));
  return node;
}

/** Present entries say where their pages start in the memory node, which holds the bytes. */
function pagemapRecords(pagemap: Pagemap, pageSize: number): TreeNode[] {
  let offset = 0n;
  return pagemap.entries.map((entry): TreeNode => {
    const node: TreeNode = { name: hex(entry.vaddr), kind: 'record', size: 0, attrs: pagemapAttrs(entry) };
    if (entry.flags & PAGE_PRESENT) {
      node.attrs.memory_offset = exact(offset);
      offset += entry.pages * BigInt(pageSize);
    }
    return node;
  });
}
