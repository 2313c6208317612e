import { bySeverity, type Diagnostic } from '../model/diagnostics.js';
import { escapeForDisplay } from '../model/display.js';
import { formatRanges, type PageScan } from '../model/memory.js';
import { joinPath } from '../model/paths.js';
import { childrenOf, treeSize, type TreeNode } from '../model/tree.js';
import { metadataLines } from '../format/meta-text.js';
import { octalMode } from '../format/nodes.js';
import { humanBytes } from '../format/sizes.js';
import { stringifyJson, toJsonValue } from '../format/values.js';
import { diagnosticLines } from './info.js';
import { writeLines, type Io } from './io.js';
import { lsJson } from './ls.js';
import { summarisePages } from './page-scan.js';
import { pushAll } from '../model/arrays.js';

/**
 * `info PATH:INNER`: everything known about one entry, its attributes and, for memories, its page
 * map; `raised` gives the diagnostics that reaching the entry and listing its children added.
 */
export async function nodeInfoCommand(
  node: TreeNode,
  segments: string[],
  io: Io,
  json: boolean,
  raised: () => Diagnostic[],
): Promise<number> {
  const summary = await summarisePages(node);
  const pages = summary && 'scan' in summary ? summary.scan : undefined;
  const children = node.children ? (await childrenOf(node)).length : undefined;
  const diagnostics = raised().sort(bySeverity);
  if (json) {
    await io.stdout.write(`${stringifyJson(nodeJson(node, segments, pages, children, diagnostics))}\n`);
    return 0;
  }
  const lines = nodeLines(node, joinPath(segments), {
    totalSize: await treeSize(node),
    children,
    pages,
    pagesSkipped: summary && 'skipped' in summary ? summary.skipped : undefined,
  });
  await writeLines(io.stdout, diagnostics.length > 0 ? [...lines, ...diagnosticLines(diagnostics)] : lines);
  return 0;
}

export interface NodeFacts {
  /** Size with everything below; unknown while still being computed. */
  totalSize?: number;
  children?: number;
  pages?: PageScan;
  /** Why the page map was not scanned (over a limit). */
  pagesSkipped?: string;
}

/** The entry's facts as `Label: value` lines; shared by `info PATH:ENTRY` and the terminal UI's details pane. */
export function nodeLines(node: TreeNode, path: string, facts: NodeFacts): string[] {
  const total =
    facts.totalSize === undefined ? '' : ` (${humanBytes(facts.totalSize)}${node.kind === 'dir' ? ' in all' : ''})`;
  const lines = [`Path:     ${escapeForDisplay(path)}`, `Kind:     ${node.kind}`, `Size:     ${node.size}${total}`];
  if (node.mode !== undefined)
    lines.push(`Mode:     ${octalMode(node.mode)}  uid ${node.uid ?? '-'}  gid ${node.gid ?? '-'}`);
  if (node.mtime) lines.push(`Modified: ${node.mtime.toISOString()}`);
  if (node.linkTarget !== undefined) lines.push(`Target:   ${escapeForDisplay(node.linkTarget)}`);
  if (node.flags?.length) lines.push(`Flags:    ${node.flags.join(', ')}`);
  if (node.note) lines.push(`Note:     ${escapeForDisplay(node.note)}`);
  if (facts.children !== undefined) lines.push(`Entries:  ${facts.children}`);
  if (facts.pages && node.pageSize) {
    lines.push(
      `Pages:    ${facts.pages.pageCount} of ${humanBytes(node.pageSize)}, ${facts.pages.zeroPages} all-zero; data pages: ${formatRanges(facts.pages.dataRanges) || 'none'}`,
    );
  }
  if (facts.pagesSkipped) lines.push(`Pages:    ${escapeForDisplay(facts.pagesSkipped)}`);
  if (Object.keys(node.attrs).length > 0) pushAll(lines, ['Attributes:', ...metadataLines(node.attrs)]);
  return lines;
}

function nodeJson(
  node: TreeNode,
  segments: string[],
  pages: PageScan | undefined,
  children: number | undefined,
  diagnostics: Diagnostic[],
): unknown {
  return {
    ...lsJson({ path: joinPath(segments), node }),
    flags: node.flags ?? [],
    note: node.note ?? null,
    entries: children ?? null,
    pages:
      pages && node.pageSize
        ? { pageSize: node.pageSize, count: pages.pageCount, zeroPages: pages.zeroPages, dataRanges: pages.dataRanges }
        : null,
    attrs: toJsonValue(node.attrs),
    diagnostics,
  };
}
