import { SnapinspectError } from '../model/errors.js';
import { escapeForDisplay } from '../model/display.js';
import { blocks } from '../model/source.js';
import type { TreeNode } from '../model/tree.js';
import { refusePageScan } from '../diff/limits.js';
import type { Io } from './io.js';
import { printedContent, type SecretsPolicy } from './printed.js';

/**
 * Raw bytes of one entry. On a terminal, unless --raw, the bytes are shown with control
 * characters escaped so a hostile file cannot drive the terminal.
 */
export async function catCommand(
  node: TreeNode,
  path: string,
  io: Io,
  options: { raw: boolean; secrets: SecretsPolicy },
): Promise<number> {
  if (!node.content) {
    if (node.kind === 'file' && node.note) throw new SnapinspectError('IO', `${path} ${node.note}`);
    const what = node.kind === 'dir' ? 'a folder' : `a ${node.kind} without content`;
    throw new SnapinspectError('NOT_A_FILE', `${path || '/'} is ${what}; use ls to list it`);
  }
  // A disk image's guest view can claim any size; writing it whole is bounded like scanning it.
  if (node.kind === 'memory') refusePageScan(path, 'writing', node.content);
  const escape = io.stdout.isTTY && !options.raw;
  const decoder = new TextDecoder('utf-8');
  for await (const block of blocks((await printedContent(node, path, options.secrets)) ?? node.content, 1024 * 1024)) {
    await io.stdout.write(escape ? escapeLines(decoder.decode(block, { stream: true })) : block);
  }
  // Bytes a reader could not produce (a corrupt compressed cluster) were written as zeros and said on the node.
  const failed = (node.raised ?? []).filter((found) => found.severity === 'error');
  for (const found of failed)
    await io.stderr.write(
      `snapinspect: ${escapeForDisplay(path)}: ${escapeForDisplay(found.message)} (${found.code})\n`,
    );
  if (failed.length > 0) return 1;
  const present = node.content.size;
  if (node.kind !== 'file' || present >= node.size) return 0;
  // What survived is written first, so a damaged archive still gives up its bytes; the exit code says it is not all.
  await io.stderr.write(
    `snapinspect: ${escapeForDisplay(path)} is cut short: ${present} of its ${node.size} bytes are in the input (TRUNCATED)\n`,
  );
  return 1;
}

/** Line breaks stay line breaks on a terminal; everything else unsafe becomes a visible escape. */
function escapeLines(text: string): string {
  return text.split('\n').map(escapeForDisplay).join('\n');
}
