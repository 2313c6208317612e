import { splitPath } from '../../model/paths.js';
import { basename, join } from 'node:path';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { SnapinspectError } from '../../model/errors.js';
import { isMetaRecord, type MetaRecord } from '../../model/metadata.js';
import type { ChildSnapshot, Snapshot } from '../../model/snapshot.js';
import { dirNode } from '../../model/tree.js';
import { dockerImageReader } from '../docker-image/index.js';
import { dockerInspectReader } from '../docker-inspect/index.js';
import { probePath } from '../probe.js';
import type { OpenOptions, Probe, Reader } from '../reader.js';
import { graftNode } from '../shared/tree-edit.js';
import { tarFsReader } from '../tar-fs/index.js';
import { pushAll } from '../../model/arrays.js';

interface BundleParts {
  prefix: string;
  image?: string;
  inspect?: string;
  volumes: { name: string; file: string }[];
}

/** Groups `<p>_image.tar`, `<p>_inspect.json` and `<p>_vol_<volume>.tar.gz` by prefix (docs/formats/containers.md, Bundle). */
export function groupBundle(names: readonly string[]): BundleParts[] {
  const parts = new Map<string, BundleParts>();
  const partFor = (prefix: string): BundleParts => {
    let found = parts.get(prefix);
    if (!found) parts.set(prefix, (found = { prefix, volumes: [] }));
    return found;
  };
  for (const name of names) {
    if (name.endsWith('_image.tar')) partFor(name.slice(0, -'_image.tar'.length)).image = name;
    if (name.endsWith('_inspect.json')) partFor(name.slice(0, -'_inspect.json'.length)).inspect = name;
  }
  const prefixes = [...parts.keys()].sort((a, b) => b.length - a.length);
  for (const name of names) {
    if (!name.endsWith('.tar.gz')) continue;
    const prefix = prefixes.find((candidate) => name.startsWith(`${candidate}_vol_`));
    if (prefix !== undefined)
      partFor(prefix).volumes.push({ name: name.slice(prefix.length + 5, -'.tar.gz'.length), file: name });
  }
  return [...parts.values()]
    .filter((part) => part.image && part.inspect)
    .sort((a, b) => (a.prefix < b.prefix ? -1 : 1));
}

export const dockerBundleReader: Reader = {
  id: 'docker-bundle',
  label: 'full-snapshot bundle (docker save + volume tarballs + docker inspect)',
  async detect(probe: Probe): Promise<string | null> {
    return probe.isDirectory && groupBundle(probe.entries).length > 0 ? 'bundle' : null;
  },
  async open(probe: Probe, _variant: string | null, options: OpenOptions): Promise<Snapshot> {
    const bundles = groupBundle(probe.entries);
    const [only] = bundles;
    if (bundles.length === 1 && only) return openBundle(probe.path, only, options);
    if (!only) throw new SnapinspectError('UNREADABLE', `${probe.path} holds no complete snapshot bundle`);
    const children: ChildSnapshot[] = bundles.map((bundle) => ({
      selector: bundle.prefix,
      title: bundle.prefix,
      summary: { volumes: bundle.volumes.map((volume) => volume.name) },
      open: () => openBundle(probe.path, bundle, options),
    }));
    const metadata: MetaRecord = { snapshots: bundles.map((bundle) => bundle.prefix) };
    const root = dirNode('', []);
    return {
      format: 'docker-bundle',
      variant: 'series',
      title: basename(probe.path),
      metadata,
      root,
      children,
      diagnostics: [],
    };
  },
};

async function openBundle(dir: string, parts: BundleParts, options: OpenOptions): Promise<Snapshot> {
  const diagnostics: Diagnostic[] = [];
  const image = await openWith(dockerImageReader, join(dir, parts.image ?? ''), options);
  const inspect = await openWith(dockerInspectReader, join(dir, parts.inspect ?? ''), options);
  pushAll(diagnostics, [
    ...image.diagnostics.map((d) => ({ ...d, path: `${parts.image}${d.path ? `:${d.path}` : ''}` })),
    ...inspect.diagnostics,
  ]);
  const mounts = Array.isArray(inspect.metadata.mounts) ? inspect.metadata.mounts.filter(isMetaRecord) : [];
  for (const volume of parts.volumes) {
    const mount = mounts.find((candidate) => candidate.Type === 'volume' && candidate.Name === volume.name);
    if (!mount || typeof mount.Destination !== 'string') {
      diagnostics.push(
        diagnostic(
          'warning',
          'BUNDLE_VOLUME_UNMOUNTED',
          `volume archive ${volume.file} has no matching volume mount in ${parts.inspect}`,
          volume.file,
        ),
      );
      continue;
    }
    const tree = await openWith(tarFsReader, join(dir, volume.file), options);
    pushAll(
      diagnostics,
      tree.diagnostics.map((d) => ({ ...d, path: `${volume.file}${d.path ? `:${d.path}` : ''}` })),
    );
    await graftNode(image.root, splitPath(mount.Destination), {
      ...tree.root,
      note: `volume ${volume.name} (from ${volume.file})`,
      attrs: { ...tree.root.attrs, volume: volume.name },
    });
  }
  reportUncaptured(mounts, parts, diagnostics);
  const container = isMetaRecord(image.metadata) ? image.metadata.container : undefined;
  if (typeof container === 'string' && container !== inspect.metadata.id) {
    diagnostics.push(
      diagnostic(
        'warning',
        'BUNDLE_IMAGE_MISMATCH',
        `${parts.image} was committed from container ${container}, but ${parts.inspect} describes ${String(inspect.metadata.id)}`,
      ),
    );
  }
  const metadata: MetaRecord = {
    prefix: parts.prefix,
    container: inspect.metadata,
    image: image.metadata,
    volumes: parts.volumes.map((volume) => volume.name),
  };
  // The image's checks stay bound to the image, whose diagnostics name its members without the bundle prefix.
  return {
    format: 'docker-bundle',
    variant: 'snapshot',
    title: parts.prefix,
    metadata,
    root: image.root,
    children: image.children,
    diagnostics,
    ...(image.verify ? { verify: image.verify } : {}),
  };
}

function reportUncaptured(mounts: MetaRecord[], parts: BundleParts, diagnostics: Diagnostic[]): void {
  for (const mount of mounts) {
    const destination = String(mount.Destination ?? '?');
    if (mount.Type === 'volume' && !parts.volumes.some((volume) => volume.name === mount.Name)) {
      diagnostics.push(
        diagnostic(
          'warning',
          'BUNDLE_MOUNT_NOT_CAPTURED',
          `volume ${String(mount.Name)} mounted at ${destination} has no archive in the bundle`,
        ),
      );
    } else if (mount.Type === 'bind') {
      diagnostics.push(
        diagnostic('info', 'BUNDLE_BIND_MOUNT', `bind mount at ${destination} is never captured by a snapshot`),
      );
    }
  }
}

async function openWith(reader: Reader, path: string, options: OpenOptions): Promise<Snapshot> {
  const probe = await probePath(path);
  const variant = await reader.detect(probe);
  if (variant === null) throw new SnapinspectError('UNREADABLE', `${path} is not a ${reader.label}`);
  return reader.open(probe, variant, options);
}
