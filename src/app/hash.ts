import { writeFile } from 'node:fs/promises';
import { SnapinspectError } from '../model/errors.js';
import type { Snapshot } from '../model/snapshot.js';
import { sha256Of } from '../model/source.js';
import { walk } from '../model/tree.js';
import { xxh64Pages } from '../diff/page-hash.js';
import { entryJson } from '../format/nodes.js';
import { stringifyJson, toJsonValue } from '../format/values.js';
import type { Io } from './io.js';

export const MANIFEST_MARKER = 'snapinspectManifest';

/**
 * A manifest of everything diff needs without the data: metadata, every entry with its sha256,
 * and an xxh64 per memory page. `diff` accepts it in place of a snapshot that is no longer here.
 */
export async function hashCommand(
  snapshot: Snapshot,
  source: string,
  io: Io,
  output: string | undefined,
): Promise<number> {
  const files: unknown[] = [];
  const memories: unknown[] = [];
  for await (const { node, segments } of walk(snapshot.root)) {
    const path = segments.join('/');
    if (node.kind === 'memory' && node.content && node.pageSize) {
      const hashes = await xxh64Pages(node.content, node.pageSize, path);
      memories.push({
        path,
        size: node.size,
        pageSize: node.pageSize,
        xxh64: Array.from(hashes, (hash) => hash.toString(16).padStart(16, '0')).join(''),
      });
    }
    const entry = entryJson(path, node);
    if (node.content && node.kind !== 'memory') entry.sha256 = await sha256Of(node.content);
    // Owner names, device numbers and xattrs live in attrs; without them diff would see changes that are not there.
    if (Object.keys(node.attrs).length > 0) entry.attrs = toJsonValue(node.attrs);
    files.push(entry);
  }
  const manifest = {
    [MANIFEST_MARKER]: 1,
    source,
    format: snapshot.format,
    variant: snapshot.variant ?? null,
    title: snapshot.title,
    metadata: toJsonValue(snapshot.metadata),
    files,
    memories,
  };
  const text = `${stringifyJson(manifest)}\n`;
  if (output === undefined) await io.stdout.write(text);
  else
    await writeFile(output, text, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      throw new SnapinspectError(
        'IO',
        `cannot write ${output}: ${error.code === 'EEXIST' ? 'it exists (snapinspect never overwrites)' : (error.code ?? error.message)}`,
      );
    });
  return 0;
}
