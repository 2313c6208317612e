import { escapeForDisplay } from '../model/display.js';
import { joinPath } from '../model/paths.js';
import { childrenOf, walk, type TreeNode } from '../model/tree.js';
import { entryJson, modeString } from '../format/nodes.js';
import { stringifyJson } from '../format/values.js';
import { writeLines, type Io } from './io.js';

export interface LsOptions {
  recursive: boolean;
  long: boolean;
  json: boolean;
}

interface Listed {
  path: string;
  node: TreeNode;
}

export async function lsCommand(dir: TreeNode, dirSegments: string[], io: Io, options: LsOptions): Promise<number> {
  const entries = dir.children
    ? await listEntries(dir, dirSegments, options.recursive)
    : [{ path: joinPath(dirSegments), node: dir }];
  if (options.json) {
    await io.stdout.write(`${stringifyJson(entries.map(lsJson))}\n`);
    return 0;
  }
  const shown = (entry: Listed): string => (options.recursive || !dir.children ? entry.path : entry.node.name);
  await writeLines(
    io.stdout,
    entries.map((entry) => (options.long ? longLine(entry.node, shown(entry)) : shortLine(entry.node, shown(entry)))),
  );
  return 0;
}

async function listEntries(dir: TreeNode, prefix: string[], recursive: boolean): Promise<Listed[]> {
  if (!recursive) return (await childrenOf(dir)).map((node) => ({ path: joinPath([...prefix, node.name]), node }));
  const entries: Listed[] = [];
  for await (const { node, segments } of walk(dir, prefix)) entries.push({ path: joinPath(segments), node });
  return entries;
}

/** The documented `ls --json` shape; fields a format does not record are null. */
export function lsJson({ path, node }: Listed): Record<string, unknown> {
  const entry = entryJson(path, node);
  if (node.flags?.length) entry.flags = node.flags;
  return entry;
}

function shortLine(node: TreeNode, shown: string): string {
  return `${escapeForDisplay(shown)}${node.kind === 'dir' ? '/' : ''}`;
}

function longLine(node: TreeNode, shown: string): string {
  const owner = `${node.uid ?? '-'} ${node.gid ?? '-'}`;
  const mtime = node.mtime ? node.mtime.toISOString().slice(0, 19).replace('T', ' ') : '-'.padEnd(19);
  const target = node.linkTarget !== undefined ? ` -> ${escapeForDisplay(node.linkTarget)}` : '';
  const flags = node.flags?.length ? `  [${node.flags.join(', ')}]` : '';
  return `${modeString(node)} ${owner.padEnd(11)} ${String(node.size).padStart(12)} ${mtime} ${shortLine(node, shown)}${target}${flags}`;
}
