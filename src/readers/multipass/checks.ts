import type { Diagnostic } from '../../model/diagnostics.js';
import { checkQcow2Image } from '../qcow2/index.js';
import type { MultipassInstance } from './instance.js';
import { joinChecks } from './join.js';
import { pushAll } from '../../model/arrays.js';

/**
 * For each instance: the snapshot descriptions against each other and against the qcow2 tags
 * (missing and orphan tags, head, count, parents), and the qcow2 checks of its disk image.
 */
export async function verifyMultipass(instances: readonly MultipassInstance[]): Promise<Diagnostic[]> {
  const findings: Diagnostic[] = [];
  for (const instance of instances) {
    pushAll(findings, instance.diagnostics);
    pushAll(findings, joinChecks(instance));
    if (instance.image) pushAll(findings, await checkQcow2Image(instance.image));
  }
  return findings;
}
