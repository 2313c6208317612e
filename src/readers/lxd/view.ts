import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';

export { diagnosticKey, uniqueDiagnostics } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { ChildSnapshot, Snapshot } from '../../model/snapshot.js';
import type { SnapshotRow } from './metadata.js';

/** The instance itself as a child, so `#container` names it next to its snapshots. */
export function selfChild(snapshot: Snapshot, selector: string, snapshots: number): ChildSnapshot {
  return { selector, title: `${snapshot.title} (the default)`, summary: { snapshots }, open: async () => snapshot };
}

/** A snapshot called like the instance selector (`container`) stays reachable as `#snapshot:container`. */
export function snapshotSelector(name: string, selfSelector: string): string {
  return name === selfSelector ? `snapshot:${name}` : name;
}

/** Folders in the order the config lists them (oldest first), then any it does not list, in the order found. */
export function orderedNames(listed: readonly string[], present: Iterable<string>): string[] {
  const found = [...present];
  const available = new Set(found);
  const ordered = new Set(listed.filter((name) => available.has(name)));
  return [...ordered, ...found.filter((name) => !ordered.has(name))];
}

export function rowSummary(row: SnapshotRow | undefined): MetaRecord {
  return { created_at: row?.taken_at ?? null, expires_at: row?.expires_at ?? null, stateful: row?.stateful ?? null };
}

export function configMissing(where: string): Diagnostic {
  return diagnostic(
    'warning',
    'LXD_CONFIG_MISSING',
    `no instance config found (${where}): name, profiles, devices and snapshot times are unknown`,
  );
}

/** Lazily opened, once. */
export function lazyChild(
  selector: string,
  title: string,
  summary: MetaRecord,
  open: () => Promise<Snapshot>,
): ChildSnapshot {
  let opened: Promise<Snapshot> | undefined;
  return { selector, title, summary, open: () => (opened ??= open()) };
}

/** What a snapshot view repeats from its instance: whose snapshot it is and where it is stored. */
export function instanceIdentity(instance: MetaRecord | null): MetaRecord {
  return {
    instance: instance?.name ?? null,
    type: instance?.type ?? null,
    pool: instance?.pool ?? null,
    backend: instance?.backend ?? null,
  };
}
