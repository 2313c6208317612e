import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import { limits } from '../limits.js';
import { sharedLimits } from '../../shared/limits.js';
import type { MetaRecord } from '../../../model/metadata.js';
import { BytesSource } from '../../../model/source.js';
import { lazyFolder, type FolderLoader, type TreeNode } from '../../../model/tree.js';
import { DecodeError } from '../../shared/byte-cursor.js';
import { uniqueNames } from '../../shared/tree-names.js';
import type { FieldNames } from '../candid/didl-decoder.js';
import { storedValue, type StoredValue } from './stored-value.js';

/** One stored item: a map entry (with its key), or a Vec, MinHeap or Log element (by index). */
export interface StoredEntry {
  index: number;
  /** Overrides the name taken from the key or the index (a Cell's single `value`). */
  name?: string;
  key?: Uint8Array;
  value: Uint8Array;
}

export interface EntryContext {
  names: FieldNames;
  diagnostics: Diagnostic[];
  /** Tree path of the structure, for diagnostics. */
  path: string;
}

/** Reads entries `page × entriesPerPage` onwards; a DecodeError ends the listing with a diagnostic. */
export type PageLoader = (page: number) => Promise<StoredEntry[]>;

const NAME_CHARS = 200;

/**
 * The entries of a structure as record nodes, loaded a page at a time. Up to one page they sit
 * directly under the structure (so `diff` matches them by key); beyond that they are grouped in
 * `page N` folders of `limits.entriesPerPage`, and only an opened folder reads its entries.
 */
export function pagedEntries(total: number, load: PageLoader, context: EntryContext): FolderLoader {
  const perPage = limits.entriesPerPage;
  if (total <= perPage) return (raised) => entryNodes(0, load, { ...context, diagnostics: raised });
  const pages = Math.min(Math.ceil(total / perPage), sharedLimits.values.dirEntries);
  if (pages * perPage < total) {
    const message = `${total} entries are more than ${pages * perPage} (${pages} pages); only those are listed.`;
    context.diagnostics.push(diagnostic('warning', 'STABLE_TOO_MANY_ENTRIES', message, context.path));
  }
  return async () =>
    Array.from({ length: pages }, (_, page): TreeNode => {
      const first = page * perPage;
      const last = Math.min(total, first + perPage) - 1;
      const folder: TreeNode = {
        name: `page ${page + 1}`,
        kind: 'dir',
        size: 0,
        attrs: { first_entry: first, last_entry: last },
        note: `entries ${first}-${last}`,
        pageGroup: true,
      };
      return lazyFolder(folder, (raised) =>
        entryNodes(page, load, { ...context, diagnostics: raised, path: `${context.path}/page ${page + 1}` }),
      );
    });
}

async function entryNodes(page: number, load: PageLoader, context: EntryContext): Promise<TreeNode[]> {
  try {
    return uniqueNames((await load(page)).map((entry) => entryNode(entry, context)));
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    context.diagnostics.push(
      diagnostic('error', 'STABLE_UNREADABLE', `entries cannot be read: ${error.message}`, context.path),
    );
    return [{ name: '(unreadable)', kind: 'record', size: 0, attrs: { error: error.message }, note: error.message }];
  }
}

function entryNode(entry: StoredEntry, context: EntryContext): TreeNode {
  const attrs: MetaRecord = { index: entry.index };
  const value = decoded(entry.value, 'value', attrs, context);
  const key = entry.key === undefined ? undefined : decoded(entry.key, 'key', attrs, context);
  const name = entry.name ?? (key === undefined ? String(entry.index) : key.text.slice(0, NAME_CHARS) || '(empty key)');
  return {
    name,
    kind: 'record',
    size: entry.value.length,
    content: new BytesSource(entry.value),
    attrs,
    note: value.text.slice(0, NAME_CHARS),
  };
}

/** Sets `<role>` and `<role>_encoding` (and `<role>_problem`) attributes from the decoded bytes. */
function decoded(bytes: Uint8Array, role: 'key' | 'value', attrs: MetaRecord, context: EntryContext): StoredValue {
  const value = storedValue(bytes, context.names);
  attrs[role] = value.text;
  attrs[`${role}_encoding`] = value.encoding;
  if (value.problem !== undefined) {
    attrs[`${role}_problem`] = value.problem;
    const message = `entry ${String(attrs.index)}: the ${role} starts with DIDL but is ${value.problem}; shown as hex.`;
    context.diagnostics.push(diagnostic('warning', 'STABLE_CANDID_UNDECODABLE', message, context.path));
  }
  return value;
}
