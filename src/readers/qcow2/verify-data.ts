import type { Snapshot } from '../../model/snapshot.js';
import type { Qcow2Image } from './image.js';

/** The open image behind a qcow2 snapshot, for `src/verify/qcow2.ts`: a Snapshot cannot carry the snapshot table or L1 tables. */
const images = new WeakMap<Snapshot, Qcow2Image>();

export function setQcow2Image(snapshot: Snapshot, image: Qcow2Image): void {
  images.set(snapshot, image);
}

export function qcow2ImageOf(snapshot: Snapshot): Qcow2Image | undefined {
  return images.get(snapshot);
}
