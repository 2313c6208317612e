import { bySeverity, uniqueDiagnostics, type Diagnostic } from '../model/diagnostics.js';
import type { Progress, Snapshot } from '../model/snapshot.js';
import { isFolderOrMemory, raisedBelow } from '../model/tree.js';
import { sha256All } from './hash.js';

export type { Progress } from '../model/snapshot.js';

export interface VerifyReport {
  ok: boolean;
  format: string;
  findings: Diagnostic[];
}

/**
 * What opening the snapshot noticed, what loading each of its folders raised, then the format's
 * own checks. The whole tree is loaded first, so the findings do not depend on what was browsed
 * before. Info findings (leftover lock files and the like) are reported but do not fail it.
 */
export async function verifySnapshot(snapshot: Snapshot, progress?: Progress): Promise<VerifyReport> {
  const raised = await raisedBelow(snapshot.root, isFolderOrMemory);
  const checks = (await snapshot.verify?.({ progress, sha256All })) ?? [];
  // A check may find again what opening already reported; each finding is shown once.
  const findings = uniqueDiagnostics([...snapshot.diagnostics, ...raised, ...checks]).sort(bySeverity);
  return { ok: !findings.some((f) => f.severity !== 'info'), format: snapshot.format, findings };
}
