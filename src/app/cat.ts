import { SnapinspectError } from '../model/errors.js';
import { escapeForDisplay } from '../model/display.js';
import { blocks } from '../model/source.js';
import type { TreeNode } from '../model/tree.js';
import type { Io } from './io.js';

/**
 * Raw bytes of one entry. On a terminal, unless --raw, the bytes are shown with control
 * characters escaped so a hostile file cannot drive the terminal.
 */
export async function catCommand(node: TreeNode, path: string, io: Io, raw: boolean): Promise<number> {
  if (!node.content) {
    const what = node.kind === 'dir' ? 'a folder' : `a ${node.kind} without content`;
    throw new SnapinspectError('NOT_A_FILE', `${path || '/'} is ${what}; use ls to list it`);
  }
  const escape = io.stdout.isTTY && !raw;
  const decoder = new TextDecoder('utf-8');
  for await (const block of blocks(node.content, 1024 * 1024)) {
    await io.stdout.write(escape ? escapeLines(decoder.decode(block, { stream: true })) : block);
  }
  return 0;
}

/** Line breaks stay line breaks on a terminal; everything else unsafe becomes a visible escape. */
function escapeLines(text: string): string {
  return text.split('\n').map(escapeForDisplay).join('\n');
}
