import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../shared/json.js';
import { pushAll } from '../../model/arrays.js';

const HEX_PAGES = /^(?:[0-9a-f]{16})*$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A manifest is checked as a manifest: its source's bytes are not there, so the source format's
 * checks cannot run. What can be checked is that every digest is well formed and every memory
 * has one page hash per page of its size.
 */
export function checkManifest(manifest: JsonObject): Diagnostic[] {
  const files = Array.isArray(manifest.files) ? manifest.files.filter(isJsonObject) : [];
  const sizes = new Map(files.map((entry) => [String(entry.path), Number(entry.size ?? 0)]));
  const findings: Diagnostic[] = [];
  for (const entry of files) {
    if (entry.sha256 !== undefined && !(typeof entry.sha256 === 'string' && SHA256.test(entry.sha256))) {
      findings.push(
        diagnostic(
          'error',
          'MANIFEST_BAD_DIGEST',
          `sha256 of ${String(entry.path)} is not 64 hex digits`,
          String(entry.path),
        ),
      );
    }
  }
  for (const memory of Array.isArray(manifest.memories) ? manifest.memories : [])
    pushAll(findings, memoryFindings(memory, sizes));
  return findings;
}

function memoryFindings(memory: JsonValue, sizes: ReadonlyMap<string, number>): Diagnostic[] {
  if (!isJsonObject(memory) || typeof memory.path !== 'string')
    return [diagnostic('error', 'MANIFEST_BAD_MEMORY', 'a memory entry has no path')];
  const { path, xxh64 } = memory;
  if (typeof xxh64 !== 'string' || !HEX_PAGES.test(xxh64))
    return [diagnostic('error', 'MANIFEST_BAD_PAGES', `page hashes of ${path} are not 16 hex digits each`, path)];
  const pageSize = Number(memory.pageSize ?? 65536);
  const size = sizes.get(path);
  const expected = size === undefined || !(pageSize > 0) ? undefined : Math.ceil(size / pageSize);
  const listed = xxh64.length / 16;
  if (expected === undefined || expected === listed) return [];
  return [
    diagnostic(
      'error',
      'MANIFEST_PAGE_COUNT',
      `${path} has ${listed} page hashes but its ${size} bytes make ${expected} pages of ${pageSize}`,
      path,
    ),
  ];
}
