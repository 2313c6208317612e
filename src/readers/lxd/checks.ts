import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { errorMessage } from '../../model/errors.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { LxdVerifyData } from './verify-data.js';
import { diagnosticKey as key } from './view.js';

/**
 * Cross-checks of an LXD export or dir-pool instance (docs/formats/containers.md, LXD export): the snapshot
 * names the config lists against the snapshot folders present, then every snapshot opened for
 * what its own folder hides (bad backup.yaml, missing rootfs). The instance's own problems are
 * already among the snapshot's diagnostics.
 */
export async function verifyLxd(snapshot: Snapshot, data: LxdVerifyData): Promise<Diagnostic[]> {
  const findings = listingFindings(data);
  const seen = new Set([...snapshot.diagnostics, ...findings].map(key));
  for (const child of snapshot.children) {
    if (child.selector === data.selfSelector) continue;
    for (const found of await childProblems(child.selector, child.open)) {
      if (seen.has(key(found))) continue;
      seen.add(key(found));
      findings.push(found);
    }
  }
  return findings;
}

function listingFindings({ listings, folders }: LxdVerifyData): Diagnostic[] {
  if (!folders) return [];
  const present = new Set(folders.names);
  const findings: Diagnostic[] = [];
  const listers = new Map<string, string[]>();
  for (const { file, names } of listings)
    for (const name of names) listers.set(name, [...(listers.get(name) ?? []), file]);
  for (const [name, files] of listers) {
    if (present.has(name)) continue;
    const message = `${files.join(' and ')} ${files.length > 1 ? 'list' : 'lists'} snapshot ${name}, but ${folders.where}/${name} is not there: the snapshot cannot be restored`;
    findings.push(diagnostic('error', 'LXD_SNAPSHOT_MISSING', message, `${folders.where}/${name}`));
  }
  // With no readable list at all there is nothing to hold the folders against.
  if (listings.length === 0) return findings;
  const files = listings.map((listing) => listing.file).join(' or ');
  for (const name of folders.names) {
    if (listers.has(name)) continue;
    findings.push(
      diagnostic(
        'warning',
        'LXD_SNAPSHOT_UNLISTED',
        `${folders.where}/${name} is not listed in ${files}: LXD does not know it as a snapshot`,
        `${folders.where}/${name}`,
      ),
    );
  }
  return findings;
}

async function childProblems(selector: string, open: () => Promise<Snapshot>): Promise<readonly Diagnostic[]> {
  try {
    return (await open()).diagnostics;
  } catch (error) {
    return [
      diagnostic('error', 'LXD_SNAPSHOT_UNREADABLE', `snapshot #${selector} cannot be opened: ${errorMessage(error)}`),
    ];
  }
}
