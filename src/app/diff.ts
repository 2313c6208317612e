import { createTwoFilesPatch, diffLines } from 'diff';
import { escapeForDisplay } from '../model/display.js';
import { formatRanges } from '../model/memory.js';
import { splitPath } from '../model/paths.js';
import type { Snapshot } from '../model/snapshot.js';
import { findNode, type TreeNode } from '../model/tree.js';
import { diffSnapshots, type DiffOptions, type DiffResult, type FileChange, type MemoryChange } from '../diff/index.js';
import { octalMode } from '../format/nodes.js';
import { humanBytes } from '../format/sizes.js';
import { formatValue, stringifyJson, toJsonValue } from '../format/values.js';
import { writeLines, type Io } from './io.js';
import { isJsonObject, parseJson } from '../readers/shared/json.js';
import { progressBar } from './progress.js';
import { pushAll } from '../model/arrays.js';
import { printedContent, type SecretsPolicy } from './printed.js';

const TEXT_DIFF_LIMIT = 1024 * 1024;
const marks: Record<FileChange['change'], string> = { added: '+', removed: '-', modified: 'M', metadata: 'm' };

export interface DiffCommandOptions extends Omit<DiffOptions, 'progress'> {
  json: boolean;
  textDiff: boolean;
  secrets: SecretsPolicy;
}

export async function diffCommand(
  before: Snapshot,
  after: Snapshot,
  io: Io,
  options: DiffCommandOptions,
): Promise<number> {
  const bar = progressBar(io.stderr, 'comparing memory');
  const result = await computeDiff(before, after, { ...options, progress: bar.update });
  bar.finish();
  if (options.json) {
    await io.stdout.write(`${stringifyJson(diffJson(result))}\n`);
  } else {
    await writeLines(io.stdout, [
      `--- ${describe(before)}`,
      `+++ ${describe(after)}`,
      ...fileLines(result),
      ...(options.textDiff ? await textDiffLines(before, after, result.files, options.secrets) : []),
      ...memoryLines(result.memory),
      ...metadataLines(result),
      result.same ? 'Result: same' : 'Result: different',
    ]);
  }
  return result.same ? 0 : 1;
}

/** The diff behind `diff` and the terminal UI's diff view. */
export function computeDiff(before: Snapshot, after: Snapshot, options: DiffOptions): Promise<DiffResult> {
  const [left, right] = comparable(before, after);
  return diffSnapshots(left, right, options);
}

/**
 * A manifest keeps metadata in its JSON form (hex strings, ISO times); the live side is brought to
 * the same form so that only real differences show.
 */
function comparable(before: Snapshot, after: Snapshot): [Snapshot, Snapshot] {
  if (before.variant !== 'manifest' && after.variant !== 'manifest') return [before, after];
  const asJson = (snapshot: Snapshot): Snapshot => {
    const parsed = parseJson(stringifyJson(toJsonValue(snapshot.metadata)));
    return { ...snapshot, metadata: parsed.ok && isJsonObject(parsed.value) ? parsed.value : {} };
  };
  return [asJson(before), asJson(after)];
}

export function describe(snapshot: Snapshot): string {
  return `${escapeForDisplay(snapshot.title)} (${snapshot.format}${snapshot.variant ? `, ${snapshot.variant}` : ''})`;
}

/** The documented JSON shape: memory entries are keyed by `name`, metadata values in their JSON form. */
function diffJson(result: DiffResult): unknown {
  return {
    same: result.same,
    files: result.files,
    memory: result.memory.map(({ path, ...rest }) => ({ name: path, ...rest })),
    metadata: result.metadata.map(({ key, before, after }) => ({
      key,
      before: before === undefined ? null : toJsonValue(before),
      after: after === undefined ? null : toJsonValue(after),
    })),
    summary: result.summary,
  };
}

export function fileLines({ files, summary }: DiffResult): string[] {
  const delta =
    summary.bytesDelta === 0
      ? ''
      : `, ${summary.bytesDelta > 0 ? '+' : '-'}${humanBytes(Math.abs(summary.bytesDelta))}`;
  const header = `Files: ${summary.added} added, ${summary.removed} removed, ${summary.modified} modified, ${summary.metadata} metadata only${summary.renamed ? `, ${summary.renamed} renamed` : ''}${delta}`;
  return [header, ...files.map(fileLine)];
}

export function fileLine(change: FileChange): string {
  const path =
    escapeForDisplay(change.path) +
    (change.after?.kind === 'dir' || (!change.after && change.before?.kind === 'dir') ? '/' : '');
  const stub = change.stub ? '  [docker stub]' : '';
  return `  ${marks[change.change]} ${path}${detail(change)}${stub}`;
}

function detail(change: FileChange): string {
  const { before, after } = change;
  if (change.change === 'added')
    return `  ${sideText(after)}${change.renamedFrom ? ` (renamed from ${escapeForDisplay(change.renamedFrom)})` : ''}`;
  if (change.change === 'removed') return `  ${sideText(before)}`;
  const parts = (change.fields ?? []).map((field) => {
    if (field === 'kind') return `${before?.kind} → ${after?.kind}`;
    if (field === 'size' || field === 'content')
      return field === 'size'
        ? `${humanBytes(before?.size ?? 0)} → ${humanBytes(after?.size ?? 0)}`
        : `content differs from byte ${change.firstDifference ?? 0}`;
    if (field === 'mode') return `mode ${octalMode(before?.mode)} → ${octalMode(after?.mode)}`;
    if (field === 'linkTarget')
      return `target ${escapeForDisplay(before?.linkTarget ?? '')} → ${escapeForDisplay(after?.linkTarget ?? '')}`;
    return field;
  });
  return `  ${parts.join('; ')}`;
}

function sideText(side: FileChange['before']): string {
  if (!side) return '';
  if (side.kind === 'symlink') return `symlink → ${escapeForDisplay(side.linkTarget ?? '')}`;
  return side.kind === 'file' ? humanBytes(side.size) : side.kind;
}

export function memoryLines(memory: MemoryChange[]): string[] {
  if (memory.length === 0) return [];
  return [
    'Memory:',
    ...memory.map((change) => {
      const parts = [
        change.changedPages.length ? `changed pages ${formatRanges(change.changedPages)}` : '',
        change.addedPages.length
          ? `added pages ${formatRanges(change.addedPages)}${change.addedZeroPages.length ? ` (all-zero: ${formatRanges(change.addedZeroPages)})` : ''}`
          : '',
        change.removedPages.length ? `removed pages ${formatRanges(change.removedPages)}` : '',
        change.bytesChanged ? `${change.bytesChanged} bytes differ` : '',
      ].filter(Boolean);
      return `  ${escapeForDisplay(change.path)} (${humanBytes(change.pageSize)} pages, by ${change.method}): ${parts.join('; ') || 'same'}`;
    }),
  ];
}

export function metadataLines({ metadata }: DiffResult): string[] {
  if (metadata.length === 0) return [];
  const show = (value: unknown): string =>
    value === undefined ? '(absent)' : formatValue(value as Parameters<typeof formatValue>[0]);
  return [
    `Metadata (${metadata.length}):`,
    ...metadata.flatMap((change) =>
      isMultiline(change.before) || isMultiline(change.after)
        ? [
            `  ${escapeForDisplay(change.key)}:`,
            ...changedLines(String(change.before ?? ''), String(change.after ?? '')),
          ]
        : [`  ${escapeForDisplay(change.key)}: ${show(change.before)} → ${show(change.after)}`],
    ),
  ];
}

function isMultiline(value: unknown): boolean {
  return typeof value === 'string' && value.includes('\n');
}

/** A text field (a Candid service, a table) changed: its differing lines, marked like a diff. */
function changedLines(before: string, after: string): string[] {
  return diffLines(before, after).flatMap((part) => {
    if (!part.added && !part.removed) return [];
    return part.value
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => `    ${part.added ? '+' : '-'} ${escapeForDisplay(line)}`);
  });
}

/** Unified diffs of changed text files; binary or huge files say so instead. */
export async function textDiffLines(
  before: Snapshot,
  after: Snapshot,
  files: FileChange[],
  secrets: SecretsPolicy,
): Promise<string[]> {
  const lines: string[] = [];
  for (const change of files.filter((file) => file.change === 'modified' && file.fields?.includes('content'))) {
    const [left, right] = await Promise.all([
      textOf(await findNode(before.root, splitPath(change.path)), change.path, secrets),
      textOf(await findNode(after.root, splitPath(change.path)), change.path, secrets),
    ]);
    if (left === undefined || right === undefined) {
      lines.push(
        `Binary or large file ${escapeForDisplay(change.path)}: first difference at byte ${change.firstDifference ?? 0}`,
      );
      continue;
    }
    if (left === right) {
      // The real bytes differ where the printed copies are redacted alike: a secret changed.
      lines.push(`${escapeForDisplay(change.path)}: a secret changed (values redacted; --show-secrets shows them)`);
      continue;
    }
    const patch = createTwoFilesPatch(`a/${change.path}`, `b/${change.path}`, left, right, undefined, undefined, {
      context: 3,
      maxEditLength: 20_000,
      timeout: 2000,
    });
    pushAll(lines, [
      ...(patch
        ? patch.trimEnd().split('\n').slice(1).map(escapeForDisplay)
        : [`${escapeForDisplay(change.path)}: too different to show as a text diff`]),
    ]);
  }
  return lines;
}

export async function textOf(
  node: TreeNode | undefined,
  path: string,
  secrets: SecretsPolicy,
): Promise<string | undefined> {
  // Sized before it is judged for credentials, so a large file is not read only to be called large.
  if (!node?.content || node.content.size > TEXT_DIFF_LIMIT) return undefined;
  const source = await printedContent(node, path, secrets);
  if (!source || source.size > TEXT_DIFF_LIMIT) return undefined;
  const bytes = await source.read(0, source.size);
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
