/** `docker save` and OCI archives built in code from layer specs (docs/formats/containers.md, docker save). */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { buildTar, bytesOf, tarEntry, type TarEntrySpec } from './tar-builder.js';

export type ImageLayout = 'legacy' | 'oci-compat' | 'containerd' | 'oci';

export interface ImageSpec {
  /** Bottom layer first; each layer is its tar's members in order. */
  layers: TarEntrySpec[][];
  repoTags?: string[];
  /** Merged over the default config (top level); `rootfs` and `history` are derived unless given. */
  config?: Record<string, unknown>;
  /** Layouts with an OCI index only: several platforms of the same image behind an image index, plus an attestation. */
  platforms?: { os: string; architecture: string }[];
}

/** Members in archive order; tests delete or replace some before `tarOf` to break the image. */
export type Members = Map<string, Uint8Array>;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const json = (value: unknown): Uint8Array => bytesOf(JSON.stringify(value));

export const file = (name: string, data = '', mode = 0o644): TarEntrySpec => ({
  name,
  data,
  mode,
  mtime: 1_700_000_000,
});
export const dir = (name: string, mode = 0o755): TarEntrySpec => ({
  name: name.endsWith('/') ? name : `${name}/`,
  type: '5',
  mode,
  mtime: 1_700_000_000,
});
export const symlink = (name: string, linkname: string): TarEntrySpec => ({
  name,
  type: '2',
  linkname,
  mode: 0o777,
  mtime: 1_700_000_000,
});
export const hardlink = (name: string, linkname: string): TarEntrySpec => ({
  name,
  type: '1',
  linkname,
  mode: 0o644,
  mtime: 1_700_000_000,
});
/** As Docker writes them: an empty regular file, mode 0, no owner names. */
export const whiteout = (name: string): TarEntrySpec => ({ name, data: '', mode: 0, mtime: 1_700_000_000 });

export function layerTar(entries: TarEntrySpec[]): Uint8Array {
  return buildTar(entries.map(tarEntry));
}

export function tarOf(members: Members): Uint8Array {
  const dirs = new Set<string>();
  const parts: Uint8Array[] = [];
  for (const [name, data] of members) {
    const parent = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
    if (parent && !dirs.has(parent)) parts.push(tarEntry(dir(parent)));
    dirs.add(parent);
    parts.push(tarEntry({ name, data, mode: 0o644 }));
  }
  return buildTar(parts);
}

export function buildImage(layout: ImageLayout, specs: ImageSpec | ImageSpec[]): Uint8Array {
  return tarOf(imageMembers(layout, specs));
}

interface BuiltImage {
  spec: ImageSpec;
  /** Layer blobs as stored: plain tars, or gzip for the containerd store and podman. */
  blobs: Uint8Array[];
  gzip: boolean;
  diffIds: string[];
  config: Uint8Array;
}

export function imageMembers(layout: ImageLayout, specs: ImageSpec | ImageSpec[]): Members {
  const images = (Array.isArray(specs) ? specs : [specs]).map((spec) =>
    built(spec, layout === 'containerd' || layout === 'oci'),
  );
  if (layout === 'legacy') return legacyMembers(images);
  const members: Members = new Map();
  const manifests = images.map((image) => ociManifests(image, members));
  members.set('index.json', json(indexJson(layout, images, manifests)));
  if (layout !== 'oci') members.set('manifest.json', json(images.map((image) => saveEntry(image, layout))));
  members.set('oci-layout', json({ imageLayoutVersion: '1.0.0' }));
  if (layout === 'oci-compat' && images.some((image) => image.spec.repoTags?.length))
    members.set('repositories', json(repositories(images, (image) => sha256(image.config))));
  return members;
}

function built(spec: ImageSpec, gzip: boolean): BuiltImage {
  const tars = spec.layers.map(layerTar);
  const diffIds = tars.map((tar) => `sha256:${sha256(tar)}`);
  const history = tars.map((_, i) => ({
    created: '2026-01-01T00:00:00Z',
    created_by: `/bin/sh -c step ${i + 1}`,
    comment: `layer ${i + 1}`,
  }));
  const config = {
    architecture: 'amd64',
    os: 'linux',
    created: '2026-01-01T00:00:00Z',
    config: { Env: ['PATH=/usr/bin'], Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history,
    ...spec.config,
  };
  return { spec, blobs: gzip ? tars.map((tar) => gzipSync(tar)) : tars, gzip, diffIds, config: json(config) };
}

function legacyMembers(images: BuiltImage[]): Members {
  const members: Members = new Map();
  const entries = images.map((image) => {
    let parent = '';
    const layers = image.blobs.map((blob, i) => {
      const id = sha256(bytesOf(`${parent}:${image.diffIds[i]}`));
      members.set(`${id}/VERSION`, bytesOf('1.0'));
      members.set(`${id}/json`, json({ id, ...(parent ? { parent } : {}), created: '2026-01-01T00:00:00Z' }));
      members.set(`${id}/layer.tar`, blob);
      parent = id;
      return `${id}/layer.tar`;
    });
    const configName = `${sha256(image.config)}.json`;
    members.set(configName, image.config);
    return { Config: configName, RepoTags: image.spec.repoTags ?? null, Layers: layers };
  });
  members.set('manifest.json', json(entries));
  members.set(
    'repositories',
    json(repositories(images, (image) => entries[images.indexOf(image)]?.Layers.at(-1)?.split('/')[0] ?? '')),
  );
  return members;
}

function repositories(
  images: BuiltImage[],
  top: (image: BuiltImage) => string,
): Record<string, Record<string, string>> {
  const repos: Record<string, Record<string, string>> = {};
  for (const image of images) {
    for (const tag of image.spec.repoTags ?? []) {
      const [repo = '', name = ''] = tag.split(':');
      repos[repo] = { ...repos[repo], [name]: top(image) };
    }
  }
  return repos;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
  annotations?: Record<string, string>;
}

/** Stores the image's blobs and returns the descriptor `index.json` should list (a manifest, or an index for several platforms). */
function ociManifests(image: BuiltImage, members: Members): Descriptor {
  const layers = image.blobs.map((blob) =>
    store(
      members,
      blob,
      image.gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar',
    ),
  );
  const platforms = image.spec.platforms ?? [];
  const manifestFor = (config: Uint8Array): Descriptor => {
    const configDescriptor = store(members, config, 'application/vnd.oci.image.config.v1+json');
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: configDescriptor,
      layers,
    };
    return store(members, json(manifest), 'application/vnd.oci.image.manifest.v1+json');
  };
  if (platforms.length === 0) return manifestFor(image.config);
  const manifests = platforms.map((platform) => ({
    ...manifestFor(json({ ...JSON.parse(new TextDecoder().decode(image.config)), ...platform })),
    platform,
  }));
  const attestation = {
    ...manifestFor(json({ architecture: 'unknown', os: 'unknown' })),
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
  };
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [...manifests, attestation],
  };
  return store(members, json(index), 'application/vnd.oci.image.index.v1+json');
}

function store(members: Members, bytes: Uint8Array, mediaType: string): Descriptor {
  const digest = sha256(bytes);
  members.set(`blobs/sha256/${digest}`, bytes);
  return { mediaType, digest: `sha256:${digest}`, size: bytes.length };
}

/** Docker names the image in both annotations; podman puts the full reference in `ref.name` and writes no top-level mediaType. */
function indexJson(layout: ImageLayout, images: BuiltImage[], manifests: Descriptor[]): Record<string, unknown> {
  const listed = manifests.map((descriptor, i) => {
    const tag = images[i]?.spec.repoTags?.[0];
    if (!tag) return descriptor;
    const annotations =
      layout === 'oci'
        ? { 'org.opencontainers.image.ref.name': tag }
        : {
            'io.containerd.image.name': `docker.io/library/${tag}`,
            'org.opencontainers.image.ref.name': tag.split(':')[1] ?? '',
          };
    return { ...descriptor, annotations };
  });
  return layout === 'oci'
    ? { schemaVersion: 2, manifests: listed }
    : { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: listed };
}

function saveEntry(image: BuiltImage, layout: ImageLayout): Record<string, unknown> {
  const layers = image.blobs.map((blob) => `blobs/sha256/${sha256(blob)}`);
  const entry: Record<string, unknown> = {
    Config: `blobs/sha256/${sha256(image.config)}`,
    RepoTags: image.spec.repoTags ?? null,
    Layers: layers,
  };
  if (layout === 'oci-compat') {
    entry.LayerSources = Object.fromEntries(
      image.blobs.map((blob, i) => [
        image.diffIds[i],
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', size: blob.length, digest: `sha256:${sha256(blob)}` },
      ]),
    );
  }
  return entry;
}
