import { bySeverity, type Diagnostic } from '../model/diagnostics.js';
import { escapeForDisplay } from '../model/display.js';
import { appendPage, countPages, formatRanges, scanPages, type PageRanges, type PageScan } from '../model/memory.js';
import type { Source } from '../model/source.js';
import type { Snapshot } from '../model/snapshot.js';
import { childrenOf, treeSize, walk, type PageTokens, type TreeNode } from '../model/tree.js';
import { metadataLines } from '../format/meta-text.js';
import { columnTitle, renderTable } from '../format/table.js';
import type { MetaValue } from '../model/metadata.js';
import { humanBytes } from '../format/sizes.js';
import { formatValue, stringifyJson, toJsonValue } from '../format/values.js';
import { writeLines, type Io } from './io.js';

export interface MemorySummary {
  path: string;
  size: number;
  pageSize: number;
  pages: number;
  zeroPages: number;
  dataRanges: PageRanges;
}

export async function infoCommand(snapshot: Snapshot, io: Io, json: boolean): Promise<number> {
  const memories = await summariseMemories(snapshot.root);
  if (json) {
    await io.stdout.write(`${stringifyJson(infoJson(snapshot, memories))}\n`);
  } else {
    await writeLines(io.stdout, await infoText(snapshot, memories));
  }
  return 0;
}

function infoJson(snapshot: Snapshot, memories: MemorySummary[]): unknown {
  return {
    format: snapshot.format,
    variant: snapshot.variant ?? null,
    title: snapshot.title,
    metadata: toJsonValue(snapshot.metadata),
    memories,
    children: snapshot.children.map((child) => ({ selector: child.selector, title: child.title, ...(toJsonValue(child.summary) as object) })),
    diagnostics: [...snapshot.diagnostics].sort(bySeverity),
  };
}

async function infoText(snapshot: Snapshot, memories: MemorySummary[]): Promise<string[]> {
  const lines = [
    `Format:   ${snapshot.format}${snapshot.variant ? ` (${snapshot.variant})` : ''}`,
    `Title:    ${escapeForDisplay(snapshot.title)}`,
    'Metadata:',
    ...metadataLines(snapshot.metadata),
    'Contents:',
    ...(await contentLines(snapshot.root)),
  ];
  if (memories.length > 0) {
    lines.push('Memories:');
    for (const memory of memories) {
      lines.push(`  ${escapeForDisplay(memory.path)}: ${memory.pages} pages of ${humanBytes(memory.pageSize)}, ${memory.zeroPages} all-zero; data pages: ${formatRanges(memory.dataRanges) || 'none'}`);
    }
  }
  lines.push(...childLines(snapshot));
  lines.push(...diagnosticLines(snapshot.diagnostics));
  return lines;
}

/** Child snapshots as a table: selector, every summary field any child has, then the title. */
function childLines(snapshot: Snapshot): string[] {
  if (snapshot.children.length === 0) return ['Child snapshots: none'];
  const keys = [...new Set(snapshot.children.flatMap((child) => Object.keys(child.summary)))];
  const rows = snapshot.children.map((child) => [
    `#${child.selector}`,
    ...keys.map((key) => (child.summary[key] === undefined ? '-' : cellText(child.summary[key]))),
    child.title,
  ]);
  const table = renderTable(['Selector', ...keys.map(columnTitle), 'Title'], rows);
  return [`Child snapshots (${snapshot.children.length}):`, ...table.map((line) => `  ${line}`)];
}

function cellText(value: MetaValue | undefined): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value === undefined ? '-' : formatValue(value);
}

async function contentLines(root: TreeNode): Promise<string[]> {
  const lines: string[] = [];
  for (const node of await childrenOf(root)) {
    const flags = node.flags?.length ? ` [${node.flags.join(', ')}]` : '';
    const note = node.note ? `  ${escapeForDisplay(node.note)}` : '';
    const size = humanBytes(await treeSize(node)).padStart(10);
    lines.push(`  ${escapeForDisplay(node.name + (node.kind === 'dir' ? '/' : '')).padEnd(24)} ${size}  ${node.kind.padEnd(6)}${flags}${note}`);
  }
  return lines;
}

export function diagnosticLines(diagnostics: readonly Diagnostic[]): string[] {
  if (diagnostics.length === 0) return ['Diagnostics: none'];
  return [
    `Diagnostics (${diagnostics.length}):`,
    ...[...diagnostics].sort(bySeverity).map((d) => `  ${d.severity.padEnd(7)} ${d.code}${d.path ? ` ${escapeForDisplay(d.path)}` : ''}: ${escapeForDisplay(d.message)}`),
  ];
}

/** A disk's cluster map says which pages hold data without reading them: token 0 is unallocated. */
export function scanTokens({ tokens }: PageTokens): PageScan {
  const zeroRanges: PageRanges = [];
  const dataRanges: PageRanges = [];
  tokens.forEach((token, page) => appendPage(token === 0n ? zeroRanges : dataRanges, page));
  return { pageCount: tokens.length, zeroPages: countPages(zeroRanges), zeroRanges, dataRanges };
}

/** Page maps of every memory image, top level and nested (virtual memories), in tree order. */
async function summariseMemories(root: TreeNode): Promise<MemorySummary[]> {
  const summaries: MemorySummary[] = [];
  for await (const { node, segments } of walk(root)) {
    if (node.kind !== 'memory' || !node.pageSize || !(node.content || node.pageTokens)) continue;
    const scan = node.pageTokens ? scanTokens(await node.pageTokens()) : await scanPages(node.content as Source, node.pageSize);
    summaries.push({
      path: segments.join('/'),
      size: node.size,
      pageSize: node.pageSize,
      pages: scan.pageCount,
      zeroPages: scan.zeroPages,
      dataRanges: scan.dataRanges,
    });
  }
  return summaries;
}
