import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { isMetaRecord } from '../../model/metadata.js';
import type { Snapshot, VerifyContext } from '../../model/snapshot.js';
import { findNode, type TreeNode } from '../../model/tree.js';

/** Juno records a size and sha256 per blob; chunk boundaries are not recorded, so blobs are checked whole. */
export async function verifyJuno(snapshot: Snapshot, { sha256All, progress }: VerifyContext): Promise<Diagnostic[]> {
  const data = snapshot.metadata.data;
  if (!isMetaRecord(data))
    return [
      diagnostic(
        'error',
        'JUNO_DATA_MISSING',
        'metadata.json has no data section to check blobs against',
        'metadata.json',
      ),
    ];
  const findings: Diagnostic[] = [];
  const checks: { key: string; filename: string; node: TreeNode; hash: string }[] = [];
  for (const [key, entry] of Object.entries(data)) {
    if (!isMetaRecord(entry) || typeof entry.filename !== 'string') continue;
    const node = await findNode(snapshot.root, [entry.filename]);
    if (!node?.content) {
      findings.push(
        diagnostic('error', 'JUNO_BLOB_MISSING', `${key} names ${entry.filename}, which is missing`, entry.filename),
      );
      continue;
    }
    const size = typeof entry.size === 'bigint' || typeof entry.size === 'number' ? BigInt(entry.size) : undefined;
    if (size !== undefined && size !== BigInt(node.size)) {
      findings.push(
        diagnostic(
          'error',
          'JUNO_SIZE_MISMATCH',
          `${entry.filename} is ${node.size} bytes, metadata says ${size}`,
          entry.filename,
        ),
      );
    }
    if (typeof entry.hash === 'string')
      checks.push({ key, filename: entry.filename, node, hash: entry.hash.toLowerCase() });
  }
  const digests = await sha256All(
    checks.flatMap((check) => (check.node.content ? [check.node.content] : [])),
    progress,
  );
  checks.forEach((check, index) => {
    const result = digests[index];
    if (result && 'digest' in result && result.digest !== check.hash) {
      findings.push(
        diagnostic(
          'error',
          'JUNO_HASH_MISMATCH',
          `sha256 of ${check.filename} is ${result.digest}, metadata says ${check.hash}`,
          check.filename,
        ),
      );
    }
  });
  return findings;
}
