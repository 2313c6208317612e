import { diagnosticKey as key, type Diagnostic } from '../../src/model/diagnostics.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { sha256All } from '../../src/verify/hash.js';

/** What a snapshot's own checks add to the diagnostics of opening it, in the order they find it, each once. */
export async function checkFindings(snapshot: Snapshot): Promise<Diagnostic[]> {
  const seen = new Set(snapshot.diagnostics.map(key));
  const found = (await snapshot.verify?.({ sha256All })) ?? [];
  return found.filter((finding) => {
    const fresh = !seen.has(key(finding));
    seen.add(key(finding));
    return fresh;
  });
}
