import { parentPath, splitPath } from '../../model/paths.js';
import { limits } from '../shared/limits.js';
import { SliceSource, type Source } from '../../model/source.js';
import { parseJson, type JsonValue } from '../shared/json.js';
import type { TarArchive } from '../shared/tar-archive.js';
import type { TarEntry } from '../shared/tar/types.js';

/** Symlink chains in a save are one hop (skopeo, legacy repeated layers); more than this is a loop. */
const MAX_LINK_HOPS = 8;

/** The members of an image archive by normalised path, with links inside the tar followed. */
export class MemberTable {
  private readonly byPath = new Map<string, TarEntry>();

  constructor(readonly archive: TarArchive) {
    for (const entry of archive.index.entries) this.byPath.set(normalise(entry.path), entry);
  }

  has(path: string): boolean {
    return this.byPath.has(normalise(path));
  }

  paths(): IterableIterator<string> {
    return this.byPath.keys();
  }

  /** The regular file a name leads to after symlinks (relative to their folder) and hard links, or undefined. */
  resolve(path: string): { path: string; entry: TarEntry } | undefined {
    let current = normalise(path);
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const entry = this.byPath.get(current);
      if (!entry || entry.linkTarget === undefined)
        return entry?.kind === 'file' ? { path: current, entry } : undefined;
      if (entry.kind === 'hardlink') current = normalise(entry.linkTarget);
      else if (entry.kind === 'symlink')
        current = normalise(
          entry.linkTarget.startsWith('/') ? entry.linkTarget : `${parentPath(current)}/${entry.linkTarget}`,
        );
      else return undefined;
    }
    return undefined;
  }

  source(entry: TarEntry): Source {
    return new SliceSource(this.archive.source, entry.dataOffset, entry.present ?? entry.size);
  }

  /** A small JSON member; `missing` covers absent members and non-files, `error` bad or oversized JSON. */
  async readJson(
    path: string,
  ): Promise<{ ok: true; value: JsonValue } | { ok: false; missing: boolean; error: string }> {
    const found = this.resolve(path);
    if (!found) return { ok: false, missing: true, error: `${path} is not in the archive` };
    if (found.entry.size > limits.metadataBytes)
      return {
        ok: false,
        missing: false,
        error: `${path} is ${found.entry.size} bytes, over the ${limits.metadataBytes}-byte limit for descriptors`,
      };
    const bytes = await this.source(found.entry).read(0, found.entry.size);
    if (bytes.length < found.entry.size)
      return {
        ok: false,
        missing: false,
        error: `${path} is cut short (${bytes.length} of ${found.entry.size} bytes)`,
      };
    const parsed = parseJson(new TextDecoder().decode(bytes));
    return parsed.ok
      ? { ok: true, value: parsed.value }
      : { ok: false, missing: false, error: `${path} is not valid JSON: ${parsed.error}` };
  }
}

const tables = new WeakMap<TarArchive, MemberTable>();

/** Detection and opening share one table per archive. */
export function memberTable(archive: TarArchive): MemberTable {
  let table = tables.get(archive);
  if (!table) tables.set(archive, (table = new MemberTable(archive)));
  return table;
}

function normalise(path: string): string {
  return splitPath(path).join('/');
}

/** `sha256:<hex>` → `blobs/sha256/<hex>`; null for anything that is not a plain digest (no path tricks). */
export function blobPath(digest: string): string | null {
  const match = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(digest);
  return match ? `blobs/${match[1]}/${match[2]}` : null;
}

/** The sha256 a member's name promises: `blobs/sha256/<hex>` or legacy `<hex>.json`; null when the name promises none. */
export function digestInName(path: string): string | null {
  const match = /^(?:blobs\/sha256\/([0-9a-f]{64})|([0-9a-f]{64})\.json)$/.exec(normalise(path));
  return match ? (match[1] ?? match[2] ?? null) : null;
}
