import type { Diagnostic } from '../../model/diagnostics.js';
import type { Snapshot } from '../../model/snapshot.js';
import { joinChecks, multipassInstancesOf } from './index.js';
import { checkQcow2Image, unreported } from '../qcow2/checks.js';

/**
 * For each instance: the snapshot descriptions against each other and against the qcow2 tags
 * (missing and orphan tags, head, count, parents), and the qcow2 checks of its disk image.
 */
export async function verifyMultipass(snapshot: Snapshot): Promise<Diagnostic[]> {
  const findings: Diagnostic[] = [];
  for (const instance of multipassInstancesOf(snapshot) ?? []) {
    findings.push(...instance.diagnostics, ...joinChecks(instance));
    if (instance.image) findings.push(...(await checkQcow2Image(instance.image)));
  }
  return unreported(findings, snapshot.diagnostics);
}
