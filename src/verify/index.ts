import { bySeverity, type Diagnostic } from '../model/diagnostics.js';
import type { Snapshot } from '../model/snapshot.js';
import type { Progress } from './hash.js';
import { verifyDockerImage } from './docker-image.js';
import { verifyIcp } from './icp.js';
import { verifyJuno } from './juno.js';

export type { Progress } from './hash.js';

export interface VerifyReport {
  ok: boolean;
  format: string;
  findings: Diagnostic[];
}

export type Verifier = (snapshot: Snapshot, progress?: Progress) => Promise<Diagnostic[]>;

function verifierFor(snapshot: Snapshot): Verifier | undefined {
  if (snapshot.format === 'icp-snapshot') return snapshot.variant === 'juno' ? verifyJuno : verifyIcp;
  if (snapshot.format === 'docker-image' || snapshot.format === 'docker-bundle') return verifyDockerImage;
  return undefined;
}

/**
 * Everything the reader noticed plus the format's own checks. Info findings (leftover lock
 * files and the like) are reported but do not fail verification.
 */
export async function verifySnapshot(snapshot: Snapshot, progress?: Progress, readerCheck?: Verifier): Promise<VerifyReport> {
  const checks = [...((await verifierFor(snapshot)?.(snapshot, progress)) ?? []), ...((await readerCheck?.(snapshot, progress)) ?? [])];
  const findings = [...snapshot.diagnostics, ...checks].sort(bySeverity);
  return { ok: !findings.some((f) => f.severity !== 'info'), format: snapshot.format, findings };
}
