import { bySeverity, diagnostic, type Diagnostic } from '../model/diagnostics.js';
import { escapeForDisplay } from '../model/display.js';
import { formatRanges, type PageRanges } from '../model/memory.js';
import type { Snapshot } from '../model/snapshot.js';
import { childrenOf, isFolderOrMemory, raisedBelow, treeSize, walkMemories, type TreeNode } from '../model/tree.js';
import { metadataLines } from '../format/meta-text.js';
import { columnTitle, renderTable } from '../format/table.js';
import type { MetaValue } from '../model/metadata.js';
import { humanBytes } from '../format/sizes.js';
import { formatValue, stringifyJson, toJsonValue } from '../format/values.js';
import { writeLines, type Io } from './io.js';
import { summarisePages } from './page-scan.js';
import { pushAll } from '../model/arrays.js';

export interface MemorySummary {
  path: string;
  size: number;
  pageSize: number;
  pages: number;
  zeroPages: number;
  dataRanges: PageRanges;
}

export async function infoCommand(snapshot: Snapshot, io: Io, json: boolean): Promise<number> {
  const found: Diagnostic[] = [];
  const memories = await summariseMemories(snapshot.root, found);
  // Reported with what opening noticed: the folders walked for memories and memories not scanned.
  const shown = {
    ...snapshot,
    diagnostics: [...snapshot.diagnostics, ...(await raisedBelow(snapshot.root, isFolderOrMemory)), ...found],
  };
  if (json) {
    await io.stdout.write(`${stringifyJson(infoJson(shown, memories))}\n`);
  } else {
    await writeLines(io.stdout, await infoText(shown, memories));
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
    children: snapshot.children.map((child) => ({
      selector: child.selector,
      title: child.title,
      ...(toJsonValue(child.summary) as object),
    })),
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
      lines.push(
        `  ${escapeForDisplay(memory.path)}: ${memory.pages} pages of ${humanBytes(memory.pageSize)}, ${memory.zeroPages} all-zero; data pages: ${formatRanges(memory.dataRanges) || 'none'}`,
      );
    }
  }
  pushAll(lines, childLines(snapshot));
  pushAll(lines, diagnosticLines(snapshot.diagnostics));
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
    lines.push(
      `  ${escapeForDisplay(node.name + (node.kind === 'dir' ? '/' : '')).padEnd(24)} ${size}  ${node.kind.padEnd(6)}${flags}${note}`,
    );
  }
  return lines;
}

export function diagnosticLines(diagnostics: readonly Diagnostic[]): string[] {
  if (diagnostics.length === 0) return ['Diagnostics: none'];
  return [
    `Diagnostics (${diagnostics.length}):`,
    ...[...diagnostics]
      .sort(bySeverity)
      .map(
        (d) =>
          `  ${d.severity.padEnd(7)} ${d.code}${d.path ? ` ${escapeForDisplay(d.path)}` : ''}: ${escapeForDisplay(d.message)}`,
      ),
  ];
}

/** Page maps of every memory image, top level and nested (virtual memories), in tree order. */
async function summariseMemories(root: TreeNode, diagnostics: Diagnostic[]): Promise<MemorySummary[]> {
  const summaries: MemorySummary[] = [];
  for await (const { node, segments } of walkMemories(root)) {
    const summary = await summarisePages(node);
    if (!summary || !node.pageSize) continue;
    const path = segments.join('/');
    if ('skipped' in summary) {
      diagnostics.push(diagnostic('info', 'MEMORY_NOT_SCANNED', summary.skipped, path));
      continue;
    }
    const { scan } = summary;
    summaries.push({
      path,
      size: node.size,
      pageSize: node.pageSize,
      pages: scan.pageCount,
      zeroPages: scan.zeroPages,
      dataRanges: scan.dataRanges,
    });
  }
  return summaries;
}
