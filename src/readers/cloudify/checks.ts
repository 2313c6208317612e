import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { isMetaRecord } from '../../model/metadata.js';
import type { Source } from '../../model/source.js';
import type { Snapshot, VerifyContext } from '../../model/snapshot.js';
import { checkMembers } from '../shared/zip/member.js';
import type { ZipEntry } from '../shared/zip/types.js';
import { parseVersion } from './family.js';
import { pushAll } from '../../model/arrays.js';

/**
 * Deep checks: every member inflated and CRC-checked, family against version, the restore
 * hint, and the warning that the snapshot carries secrets in readable form.
 */
export async function checkSnapshot(
  snapshot: Snapshot,
  zip: { source: Source; entries: ZipEntry[] } | null,
  { progress }: VerifyContext,
): Promise<Diagnostic[]> {
  const findings: Diagnostic[] = [];
  if (zip) pushAll(findings, await checkMembers(zip.source, zip.entries, progress));
  pushAll(findings, familyFindings(snapshot));
  const secrets = snapshot.metadata.secrets;
  if (isMetaRecord(secrets) && Object.keys(secrets).length > 0) {
    const list = Object.entries(secrets)
      .map(([path, what]) => `${path} (${String(what)})`)
      .join('; ');
    findings.push(diagnostic('warning', 'CLOUDIFY_PLAINTEXT_SECRETS', `snapshot contains plaintext secrets: ${list}`));
  }
  return findings;
}

function familyFindings(snapshot: Snapshot): Diagnostic[] {
  const { family, snapshot_version: raw, restore } = snapshot.metadata;
  const findings: Diagnostic[] = [];
  if (typeof restore === 'string') findings.push(diagnostic('info', 'CLOUDIFY_RESTORE', restore));
  if (family === 'unknown')
    return [
      ...findings,
      diagnostic(
        'warning',
        'CLOUDIFY_UNKNOWN_FAMILY',
        'no es_data, pg_data, mgmt/ or tenants/: the layout matches no known snapshot family, so no entities are shown',
      ),
    ];
  const major = typeof raw === 'string' ? parseVersion(raw)?.[0] : undefined;
  if (major === undefined) return findings;
  const expected: Record<string, (value: number) => boolean> = {
    'es-3x': (value) => value === 3,
    'hybrid-4.0dev': (value) => value === 4,
    'pg-legacy': (value) => value >= 4 && value <= 7,
    'json-7.0.0': (value) => value >= 7,
    'json-flat': (value) => value >= 7,
  };
  if (typeof family === 'string' && expected[family] && !expected[family](major)) {
    findings.push(
      diagnostic(
        'warning',
        'CLOUDIFY_FAMILY_MISMATCH',
        `the layout is ${family} but metadata.json says version ${raw as string}; the snapshot was edited or assembled by hand`,
        'metadata.json',
      ),
    );
  }
  return findings;
}
