/**
 * Image archives shaped to hang or exhaust the reader: fan-out and repetition are read once per
 * distinct blob and counts are cut at declared limits, each cut with a diagnostic.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { dockerImageReader } from '../../../src/readers/docker-image/index.js';
import { probePath } from '../../../src/readers/probe.js';
import { cli, tempDir } from '../../helpers/cli.js';
import { dir, file, imageMembers, sha256, tarOf, type Members } from '../../helpers/image-builder.js';
import { bytesOf } from '../../helpers/tar-builder.js';

const work = tempDir('snapinspect-image-hostile-');
let written = 0;

function write(bytes: Uint8Array): string {
  const path = join(work, `image-${written++}.tar`);
  writeFileSync(path, bytes);
  return path;
}

async function open(bytes: Uint8Array): Promise<Snapshot> {
  const probe = await probePath(write(bytes));
  return dockerImageReader.open(probe, await dockerImageReader.detect(probe), { showSecrets: false });
}

const INDEX = 'application/vnd.oci.image.index.v1+json';
const json = (value: unknown): Uint8Array => bytesOf(JSON.stringify(value));
const manifestsOf = (members: Members): unknown[] => {
  const parsed: unknown = JSON.parse(new TextDecoder().decode(members.get('index.json')));
  return typeof parsed === 'object' && parsed !== null && 'manifests' in parsed && Array.isArray(parsed.manifests)
    ? (parsed.manifests as unknown[])
    : [];
};

/** Stores an index blob listing `descriptor` `times` times; returns the descriptor that names it. */
function storeIndex(members: Members, descriptor: unknown, times: number): unknown {
  const blob = json({ schemaVersion: 2, mediaType: INDEX, manifests: Array<unknown>(times).fill(descriptor) });
  const digest = sha256(blob);
  members.set(`blobs/sha256/${digest}`, blob);
  return { mediaType: INDEX, digest: `sha256:${digest}`, size: blob.length };
}

const oneLayer = { repoTags: ['app:1'], layers: [[dir('etc'), file('etc/hostname', 'box\n')]] };

describe('OCI indexes', () => {
  it('an index naming one child index 40 times per level, four levels deep, lists the one image once', async () => {
    const members = imageMembers('oci', oneLayer);
    // Walked naively this is 40^4 = 2,560,000 visits of the same manifest.
    let descriptor = manifestsOf(members)[0];
    for (let level = 0; level < 3; level++) descriptor = storeIndex(members, descriptor, level === 0 ? 1 : 40);
    members.set('index.json', json({ schemaVersion: 2, manifests: Array<unknown>(40).fill(descriptor) }));
    const snapshot = await open(tarOf(members));
    expect(snapshot.diagnostics.map((d) => d.code)).toEqual([]);
    expect(snapshot.children.map((c) => c.selector)).toEqual(['merged', 'layer:1']);
  });

  it('more image manifests than imageManifests: the first 10,000 are listed, with IMAGE_TOO_MANY_MANIFESTS', async () => {
    const members = imageMembers('oci', oneLayer);
    const [first] = manifestsOf(members);
    members.set('index.json', json({ schemaVersion: 2, manifests: Array<unknown>(10_001).fill(first) }));
    const snapshot = await open(tarOf(members));
    const cut = snapshot.diagnostics.find((d) => d.code === 'IMAGE_TOO_MANY_MANIFESTS');
    expect(cut?.message).toBe(
      'the image indexes list more than 10000 image manifests; only the first 10000 are listed (limit imageManifests)',
    );
    expect(snapshot.children.filter((c) => c.selector.startsWith('image:'))).toHaveLength(10_000);
  });

  it('a manifest.json of more images than imageManifests is cut the same way', async () => {
    const members = imageMembers('oci-compat', oneLayer);
    const saved: unknown = JSON.parse(new TextDecoder().decode(members.get('manifest.json')));
    const entry = Array.isArray(saved) ? (saved[0] as unknown) : null;
    members.set('manifest.json', json(Array<unknown>(10_001).fill(entry)));
    const result = await cli(['info', '--json', write(tarOf(members))]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'manifest.json lists 10001 images; only the first 10000 are listed (limit imageManifests)',
    );
  });
});

describe('a layer named many times', () => {
  const layer = [dir('etc'), file('etc/hostname', 'box\n'), file('etc/.wh.gone')];
  const repeated = { repoTags: ['app:1'], layers: Array.from({ length: 1000 }, () => layer) };

  it.each(['oci-compat', 'containerd'] as const)(
    '%s: merged once, its problems told once, verify hashes it once and finds nothing wrong',
    async (layout) => {
      const snapshot = await open(tarOf(imageMembers(layout, repeated)));
      const codes = snapshot.diagnostics.map((d) => d.code);
      expect(codes).toEqual(['IMAGE_LAYER_REPEATED', 'IMAGE_WHITEOUT_MISSING_TARGET']);
      expect(snapshot.diagnostics[0]?.message).toMatch(
        /^layers 2–1000 repeat layer 1 \(blobs\/sha256\/[0-9a-f]{64}\); the same blob right above itself changes nothing, so it is merged once$/,
      );
      expect(snapshot.children).toHaveLength(1001);
      const path = write(tarOf(imageMembers(layout, repeated)));
      const verified = await cli(['verify', path]);
      expect(verified.stderr).toBe('');
      expect(verified.code).toBe(0);
    },
  );

  it('a repeat that is not right above itself is applied again: layer 1, 2, 1 shows layer 1 on top', async () => {
    const other = [dir('etc'), file('etc/hostname', 'other\n')];
    const snapshot = await open(tarOf(imageMembers('oci-compat', { layers: [layer, other, layer] })));
    const archive = write(tarOf(imageMembers('oci-compat', { layers: [layer, other, layer] })));
    const result = await cli(['cat', `${archive}:etc/hostname`]);
    expect(result.stdout).toBe('box\n');
    expect(snapshot.diagnostics.filter((d) => d.code === 'IMAGE_LAYER_REPEATED')).toEqual([]);
  });
});
