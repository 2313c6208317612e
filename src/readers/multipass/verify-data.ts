import type { Snapshot } from '../../model/snapshot.js';
import type { MultipassInstance } from './instance.js';

/** The instances behind a Multipass snapshot, for `src/verify/multipass.ts`: the join and the qcow2 tables are not in the tree. */
const instances = new WeakMap<Snapshot, MultipassInstance[]>();

export function setMultipassInstances(snapshot: Snapshot, value: MultipassInstance[]): void {
  instances.set(snapshot, value);
}

export function multipassInstancesOf(snapshot: Snapshot): MultipassInstance[] | undefined {
  return instances.get(snapshot);
}
