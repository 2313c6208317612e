import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from './limits.js';
import { isJsonObject, type JsonValue } from '../shared/json.js';
import { blobPath, type MemberTable } from './members.js';

/** An OCI content descriptor (image-spec `descriptor.md`), reduced to what the reader uses. */
export interface Descriptor {
  mediaType: string | null;
  digest: string;
  size: bigint | null;
  annotations: Record<string, string>;
  platform: string | null;
}

/** One image manifest reachable from `index.json`, nested indexes flattened. */
export interface ManifestCandidate {
  descriptor: Descriptor;
  /** The tag or full reference from the annotations of the descriptor or of the index that led here. */
  ref: string | null;
  attestation: boolean;
  present: boolean;
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

export function parseDescriptor(value: JsonValue | undefined): Descriptor | null {
  if (!isJsonObject(value) || typeof value.digest !== 'string') return null;
  const annotations: Record<string, string> = {};
  if (isJsonObject(value.annotations))
    for (const [key, text] of Object.entries(value.annotations)) if (typeof text === 'string') annotations[key] = text;
  const platform = isJsonObject(value.platform)
    ? [value.platform.os, value.platform.architecture, value.platform.variant]
        .filter((part) => typeof part === 'string')
        .join('/') || null
    : null;
  return {
    mediaType: typeof value.mediaType === 'string' ? value.mediaType : null,
    digest: value.digest,
    size: typeof value.size === 'bigint' ? value.size : null,
    annotations,
    platform,
  };
}

/** An index being read: its descriptors, how far along, how deep, and the reference its parent gave it. */
interface IndexFrame {
  path: string;
  depth: number;
  ref: string | null;
  items: JsonValue[];
  next: number;
  tooDeepReported: boolean;
}

/**
 * Every image manifest `index.json` leads to, in order; problems become diagnostics. Iterative with a
 * stack of open indexes, so candidates keep the depth-first order of the nesting; each index blob is
 * read once however many descriptors name it (an index listing one child index a thousand times per
 * level would otherwise fan out exponentially), and at most `imageManifests` candidates are kept.
 */
export async function listManifests(members: MemberTable, diagnostics: Diagnostic[]): Promise<ManifestCandidate[]> {
  const candidates: ManifestCandidate[] = [];
  const seen = new Set<string>(['index.json']);
  const root = await openIndex(members, 'index.json', 0, null, diagnostics);
  const stack = root ? [root] : [];
  for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
    const item = frame.items[frame.next++];
    if (item === undefined) {
      stack.pop();
      continue;
    }
    const child = await visit(members, frame, item, { candidates, seen, diagnostics });
    if (child) stack.push(child);
    if (candidates.length > limits.imageManifests) return tooManyManifests(candidates, diagnostics);
  }
  return candidates;
}

interface WalkState {
  candidates: ManifestCandidate[];
  seen: Set<string>;
  diagnostics: Diagnostic[];
}

/** One descriptor of an index: an image manifest becomes a candidate, a child index not yet seen is opened. */
async function visit(
  members: MemberTable,
  frame: IndexFrame,
  item: JsonValue,
  { candidates, seen, diagnostics }: WalkState,
): Promise<IndexFrame | null> {
  const descriptor = parseDescriptor(item);
  if (!descriptor) {
    const message = `${frame.path} lists a manifest without a digest`;
    diagnostics.push(diagnostic('warning', 'IMAGE_MANIFEST_INVALID', message, frame.path));
    return null;
  }
  const ref = refName(descriptor) ?? frame.ref;
  const blob = blobPath(descriptor.digest);
  if (descriptor.mediaType !== null && INDEX_TYPES.has(descriptor.mediaType) && blob !== null) {
    if (frame.depth + 1 >= limits.indexDepth) {
      // One warning per index: a wide index of too-deep children would otherwise repeat it per child.
      if (!frame.tooDeepReported) diagnostics.push(tooDeepProblem(frame.path, blob));
      frame.tooDeepReported = true;
      return null;
    }
    if (seen.has(blob)) return null;
    seen.add(blob);
    return openIndex(members, blob, frame.depth + 1, ref, diagnostics);
  }
  const attestation =
    descriptor.annotations['vnd.docker.reference.type'] === 'attestation-manifest' ||
    descriptor.platform === 'unknown/unknown';
  candidates.push({ descriptor, ref, attestation, present: blob !== null && members.resolve(blob) !== undefined });
  return null;
}

function tooManyManifests(candidates: ManifestCandidate[], diagnostics: Diagnostic[]): ManifestCandidate[] {
  diagnostics.push(
    diagnostic(
      'warning',
      'IMAGE_TOO_MANY_MANIFESTS',
      `the image indexes list more than ${limits.imageManifests} image manifests; only the first ${limits.imageManifests} are listed (limit imageManifests)`,
      'index.json',
    ),
  );
  return candidates.slice(0, limits.imageManifests);
}

async function openIndex(
  members: MemberTable,
  path: string,
  depth: number,
  ref: string | null,
  diagnostics: Diagnostic[],
): Promise<IndexFrame | null> {
  const index = await members.readJson(path);
  if (!index.ok) {
    // A platform index whose blob was left out is normal for a single-platform export (moby#49473).
    if (!index.missing || depth === 0)
      diagnostics.push(diagnostic('error', 'IMAGE_MANIFEST_INVALID', index.error, path));
    return null;
  }
  const list = isJsonObject(index.value) ? index.value.manifests : undefined;
  if (!Array.isArray(list)) {
    diagnostics.push(diagnostic('error', 'IMAGE_MANIFEST_INVALID', `${path} has no manifests list`, path));
    return null;
  }
  return { path, depth, ref, items: list, next: 0, tooDeepReported: false };
}

function tooDeepProblem(path: string, blob: string): Diagnostic {
  return diagnostic(
    'warning',
    'IMAGE_INDEX_TOO_DEEP',
    `${path}: image indexes nest more than ${limits.indexDepth} deep (limit indexDepth); ${blob} is not followed`,
    path,
  );
}

/** The full reference when Docker or containerd wrote one, else the OCI ref name (a tag, or podman's full reference). */
function refName(descriptor: Descriptor): string | null {
  return (
    descriptor.annotations['io.containerd.image.name'] ??
    descriptor.annotations['org.opencontainers.image.ref.name'] ??
    null
  );
}

/** linux/amd64 when present, else the first present image that is not an attestation. */
export function defaultCandidate(candidates: readonly ManifestCandidate[]): number {
  const usable = candidates
    .map((candidate, index) => ({ candidate, index }))
    .filter(({ candidate }) => candidate.present && !candidate.attestation);
  const amd64 = usable.find(({ candidate }) => candidate.descriptor.platform?.startsWith('linux/amd64'));
  return (amd64 ?? usable[0])?.index ?? 0;
}

export interface ManifestDescriptors {
  config: Descriptor | null;
  layers: Descriptor[];
}

/** Config and layer descriptors of one image manifest blob; null (with a diagnostic) when unreadable. */
export async function readManifest(
  members: MemberTable,
  descriptor: Descriptor,
  diagnostics: Diagnostic[],
): Promise<ManifestDescriptors | null> {
  const path = blobPath(descriptor.digest);
  const manifest = path === null ? null : await members.readJson(path);
  if (!manifest?.ok || !isJsonObject(manifest.value)) {
    const reason = manifest && !manifest.ok ? manifest.error : `manifest ${descriptor.digest} is not a JSON object`;
    diagnostics.push(diagnostic('error', 'IMAGE_MANIFEST_INVALID', reason, path ?? descriptor.digest));
    return null;
  }
  const layers = Array.isArray(manifest.value.layers) ? manifest.value.layers.map(parseDescriptor) : [];
  if (layers.includes(null))
    diagnostics.push(
      diagnostic(
        'error',
        'IMAGE_MANIFEST_INVALID',
        `manifest ${descriptor.digest} has a layer without a digest`,
        path ?? undefined,
      ),
    );
  return { config: parseDescriptor(manifest.value.config), layers: layers.filter((layer) => layer !== null) };
}
