import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Instant } from '../../../src/model/metadata.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { childrenOf, type TreeNode } from '../../../src/model/tree.js';
import { multipassReader, multipassSnapshotReader, snapshotsTable } from '../../../src/readers/multipass/index.js';
import { probePath } from '../../../src/readers/probe.js';
import type { Reader } from '../../../src/readers/reader.js';
import { checkFindings } from '../../helpers/checks.js';
import { corpusRoot, tempDir } from '../../helpers/cli.js';
import { buildQcow2, filled, type SnapshotSpec } from '../../helpers/qcow2-builder.js';

const root = tempDir();
const CS = 4096;
const ONE = filled(1, CS);
const TWO = filled(2, CS);
const THREE = filled(3, CS);
const LIVE = filled(4, CS);

async function open(path: string, reader: Reader = multipassReader): Promise<Snapshot> {
  const probe = await probePath(path);
  const variant = await reader.detect(probe);
  if (variant === null) throw new Error(`${reader.id} does not detect ${path}`);
  return reader.open(probe, variant, { showSecrets: false });
}

async function disk(snapshot: Snapshot): Promise<TreeNode | undefined> {
  return (await childrenOf(snapshot.root)).find((node) => node.name === 'disk');
}

async function child(snapshot: Snapshot, selector: string): Promise<Snapshot> {
  const found = snapshot.children.find((candidate) => candidate.selector === selector);
  if (!found) throw new Error(`no child ${selector} among ${snapshot.children.map((c) => c.selector).join(', ')}`);
  return found.open();
}

const codes = (snapshot: Snapshot): string[] => snapshot.diagnostics.map((d) => d.code);

function description(index: number, name: string, parent: number, fields: Record<string, unknown> = {}): string {
  const snapshot = {
    comment: '',
    creation_timestamp: `2026-11-22T01:11:3${index}.120Z`,
    disk_space: '268435456',
    extra_interfaces: [],
    index,
    mem_size: '1073741824',
    metadata: { arguments: ['-smp', '1'], machine_type: 'pc-i440fx-8.2', mount_data: {} },
    mounts: [],
    name,
    num_cores: 1,
    parent,
    state: 1,
    cloud_init_instance_id: 'primary',
    ...fields,
  };
  return JSON.stringify({ snapshot }, null, 4);
}

const MOUNT = {
  source_path: '/home/me/src',
  target_path: 'src',
  mount_type: 0,
  uid_mappings: [{ host_uid: 1000, instance_uid: -1 }],
  gid_mappings: [{ host_gid: 1000, instance_gid: -1 }],
};
const DEFAULT_FILES: Record<string, string> = {
  '0001.snapshot.json': description(1, 'snapshot1', 0),
  '0002.snapshot.json': description(2, 'before-upgrade', 1, {
    comment: 'Snapshot before config migration',
    mem_size: '2147483648',
    num_cores: 2,
  }),
  '0003.snapshot.json': description(3, 'experiment', 1, {
    comment: 'try the other branch\nsecond line',
    mounts: [MOUNT],
  }),
  'snapshot-head': '3\n',
  'snapshot-count': '3\n',
  'cloud-init-config.iso': 'seed',
};
const DEFAULT_TAGS: SnapshotSpec[] = [
  { name: '@s1', clusters: { 0: ONE } },
  { name: '@s2', clusters: { 0: ONE, 1: TWO } },
  { name: '@s3', clusters: { 0: ONE, 2: THREE } },
];

let folders = 0;
/** An instance folder: JSON and counter files (undefined deletes one) beside a byte-built qcow2 with the given tags. */
function instance(
  files: Record<string, string | undefined> = {},
  tags = DEFAULT_TAGS,
  parent = root,
  name = `vm${++folders}`,
): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries({ ...DEFAULT_FILES, ...files }))
    if (text !== undefined) writeFileSync(join(dir, file), text);
  writeFileSync(
    join(dir, 'ubuntu-24.04-server-cloudimg-amd64.img'),
    buildQcow2({ clusterBits: 12, virtualSize: 65536, clusters: { 0: ONE, 2: THREE, 3: LIVE }, snapshots: tags }).bytes,
  );
  return dir;
}

describe('a Multipass instance folder built in code', () => {
  const dir = instance({}, DEFAULT_TAGS, root, 'primary');

  it('joins each description to its qcow2 tag and shows names, parents, sizes and the head', async () => {
    const snapshot = await open(dir);
    expect(snapshot).toMatchObject({ format: 'multipass', variant: 'instance', title: 'primary', diagnostics: [] });
    expect(snapshot.metadata).toMatchObject({
      instance: 'primary',
      snapshot_count: 3,
      snapshot_head: 3,
      head: 'experiment',
    });
    expect(snapshot.metadata.snapshots).toEqual([
      expect.objectContaining({
        name: 'snapshot1',
        index: 1,
        parent: null,
        comment: '',
        cores: 1,
        memory: 1073741824,
        memory_human: '1.0GiB',
        head: false,
        qcow2_tag: '@s1',
      }),
      expect.objectContaining({
        name: 'before-upgrade',
        index: 2,
        parent: 'snapshot1',
        cores: 2,
        memory: 2147483648,
        memory_human: '2.0GiB',
        disk: 268435456,
        disk_human: '256.0MiB',
        state: 'stopped',
      }),
      expect.objectContaining({
        name: 'experiment',
        parent: 'snapshot1',
        head: true,
        created: new Instant(1795309893120000000n),
        mounts: [expect.objectContaining({ source_path: '/home/me/src' })],
      }),
    ]);
    expect(snapshot.metadata.tree).toBe('snapshot1\n  before-upgrade\n  experiment  [head]');
  });

  it('prints the table of multipass list --snapshots', async () => {
    expect((await open(dir)).metadata.info).toBe(
      [
        'Instance   Snapshot         Parent      Comment',
        'primary    snapshot1        --          --',
        'primary    before-upgrade   snapshot1   Snapshot before config migration',
        'primary    experiment       snapshot1   try the other branch…',
      ].join('\n'),
    );
    const long = 'x'.repeat(60);
    expect(snapshotsTable([{ instance: 'a', snapshot: 's', parent: '', comment: long, created: 0n }])).toEqual([
      'Instance   Snapshot   Parent   Comment',
      `a          s          --       ${'x'.repeat(49)}…`,
    ]);
    expect(snapshotsTable([])).toEqual(['No snapshots found.']);
  });

  it('exposes each snapshot as #<name> and #@s<index> with that qcow2 snapshot disk, and #current', async () => {
    const snapshot = await open(dir);
    expect(snapshot.children.map((c) => c.selector)).toEqual([
      'snapshot1',
      '@s1',
      'before-upgrade',
      '@s2',
      'experiment',
      '@s3',
      'current',
    ]);
    const named = await child(snapshot, 'before-upgrade');
    const tagged = await child(snapshot, '@s2');
    for (const view of [named, tagged]) {
      const node = await disk(view);
      expect(node?.attrs.allocated_clusters).toBe(2);
      expect(Buffer.from((await node?.content?.read(0, 2 * CS)) ?? []).equals(Buffer.concat([ONE, TWO]))).toBe(true);
    }
    expect(named.metadata.info).toContain(
      'Memory size:    2.0GiB\nMounts:         --\nCreated:        2026-11-22T01:11:32.120Z\nParent:         snapshot1\nChildren:       --\n',
    );
    const experiment = await child(snapshot, 'experiment');
    expect(experiment.metadata.info).toContain('Mounts:         /home/me/src => src\n');
    expect(experiment.metadata.info).toContain('Comment:        try the other branch\n                second line');
    expect((await child(snapshot, 'snapshot1')).metadata.info).toContain(
      'Children:       before-upgrade\n                experiment\n',
    );
    const current = await disk(await child(snapshot, 'current'));
    expect(current?.attrs.allocated_clusters).toBe(3);
    const [t1, t3, live] = await Promise.all(
      [child(snapshot, '@s1'), child(snapshot, '@s3'), child(snapshot, 'current')].map(async (view) =>
        (await disk(await view))?.pageTokens?.(),
      ),
    );
    expect(t1?.scope).toBe(live?.scope);
    expect([
      t1?.tokens[0] === live?.tokens[0],
      t3?.tokens[2] === live?.tokens[2],
      live?.tokens[3] !== 0n,
      t3?.tokens[3],
    ]).toEqual([true, true, true, 0n]);
  });

  it('lists the folder with notes and verifies clean', async () => {
    const snapshot = await open(dir);
    const nodes = await childrenOf(snapshot.root);
    expect(nodes.map((node) => [node.name, node.note])).toEqual([
      ['0001.snapshot.json', 'snapshot description: snapshot1'],
      ['0002.snapshot.json', 'snapshot description: before-upgrade'],
      ['0003.snapshot.json', 'snapshot description: experiment'],
      ['cloud-init-config.iso', 'cloud-init seed ISO'],
      ['snapshot-count', '3 snapshots taken so far'],
      ['snapshot-head', 'head: experiment (index 3)'],
      ['ubuntu-24.04-server-cloudimg-amd64.img', 'qcow2 disk, 3 internal snapshots (see #current and #@s<index>)'],
    ]);
    expect(await checkFindings(snapshot)).toEqual([]);
  });
});

describe('broken Multipass folders', () => {
  const finding = (snapshot: Snapshot, code: string): string[] =>
    snapshot.diagnostics.filter((d) => d.code === code).map((d) => `${d.path}: ${d.message}`);

  it('reports a description whose qcow2 tag is missing, and qcow2 tags no description claims', async () => {
    const missing = await open(instance({}, [DEFAULT_TAGS[0] as SnapshotSpec, DEFAULT_TAGS[2] as SnapshotSpec]));
    expect(finding(missing, 'MULTIPASS_TAG_MISSING')).toEqual([
      expect.stringMatching(
        /^0002\.snapshot\.json: snapshot before-upgrade \(index 2\) has no qcow2 snapshot tagged @s2/,
      ),
    ]);
    expect(await disk(await child(missing, 'before-upgrade'))).toBeUndefined();
    const orphans = await open(
      instance({}, [...DEFAULT_TAGS, { name: '@s9', clusters: {} }, { name: 'manual', clusters: {} }]),
    );
    expect(codes(orphans)).toEqual(['MULTIPASS_ORPHAN_TAG', 'MULTIPASS_ORPHAN_TAG']);
    expect(orphans.children.map((c) => c.selector)).toContain('manual');
  });

  it('reports bad JSON and wrong types without losing the other snapshots', async () => {
    const broken = await open(
      instance({
        '0002.snapshot.json': description(2, 'b', 1).slice(0, 80),
        '0003.snapshot.json': description(3, 'c', 1, { num_cores: '2', mem_size: 2147483648, state: 4 }),
      }),
    );
    expect(codes(broken)).toEqual([
      'MULTIPASS_BAD_JSON',
      'MULTIPASS_BAD_FIELD',
      'MULTIPASS_BAD_FIELD',
      'MULTIPASS_BAD_FIELD',
      'MULTIPASS_ORPHAN_TAG',
    ]);
    expect(finding(broken, 'MULTIPASS_BAD_FIELD')[0]).toBe(
      '0003.snapshot.json: num_cores should be an integer ≥ 1, found "2"',
    );
    expect((broken.metadata.snapshots as unknown[]).length).toBe(2);
    expect(broken.metadata.snapshots).toContainEqual(
      expect.objectContaining({ name: 'c', cores: null, memory: null, state: 'running' }),
    );
  });

  it('reports a name that is not a string (an array of integers) instead of failing the whole instance', async () => {
    const odd = await open(instance({ '0002.snapshot.json': description(2, 'b', 1, { name: [1, 2 ** 60] }) }));
    expect(finding(odd, 'MULTIPASS_BAD_FIELD')).toEqual([
      '0002.snapshot.json: name should be a non-empty string, found [1,"1152921504606847000"]',
    ]);
  });

  it('reports a head pointing nowhere, a count below the highest index and a missing parent', async () => {
    const counters = await open(
      instance({
        'snapshot-head': '7\n',
        'snapshot-count': '1\n',
        '0003.snapshot.json': description(3, 'experiment', 5),
      }),
    );
    expect(codes(counters)).toEqual(['MULTIPASS_PARENT_MISSING', 'MULTIPASS_HEAD_MISSING', 'MULTIPASS_COUNT_LOW']);
    expect(counters.metadata.tree).toBe('snapshot1\n  before-upgrade\nexperiment');
    const cycle = await open(instance({ '0001.snapshot.json': description(1, 'snapshot1', 2) }));
    expect(cycle.metadata.tree).toBe('snapshot1\n  before-upgrade\n  experiment  [head]');
    const garbage = await open(
      instance({ 'snapshot-head': 'two', '0003.snapshot.json': undefined }, DEFAULT_TAGS.slice(0, 2)),
    );
    expect(codes(garbage)).toEqual(['MULTIPASS_BAD_FIELD']);
  });

  it('verify adds the qcow2 scan of the disk image', async () => {
    const dir = instance();
    const path = join(dir, 'ubuntu-24.04-server-cloudimg-amd64.img');
    const built = buildQcow2({ clusterBits: 12, virtualSize: 65536, clusters: { 0: ONE }, snapshots: DEFAULT_TAGS });
    const bytes = built.bytes.slice();
    const view = new DataView(bytes.buffer);
    const l2 = Number(view.getBigUint64(built.l1TableOffset) & 0xfffffffffe00n);
    view.setBigUint64(l2, 0x7fff0000n);
    writeFileSync(path, bytes);
    const findings = await checkFindings(await open(dir));
    expect(findings).toEqual([
      expect.objectContaining({ code: 'QCOW2_CLUSTER_PAST_END', path: 'ubuntu-24.04-server-cloudimg-amd64.img' }),
    ]);
  });
});

describe('a single snapshot description and a data root', () => {
  it('reads one NNNN.snapshot.json, naming the parent from its sibling', async () => {
    const dir = instance();
    const snapshot = await open(join(dir, '0002.snapshot.json'), multipassSnapshotReader);
    expect(snapshot).toMatchObject({ format: 'multipass-snapshot', title: 'before-upgrade', diagnostics: [] });
    expect(snapshot.metadata).toMatchObject({
      name: 'before-upgrade',
      index: 2,
      parent: 'snapshot1',
      memory_human: '2.0GiB',
      cores: 2,
    });
    expect(snapshot.metadata.info).toContain('Snapshot:       before-upgrade\nInstance:       vm');
    expect((await open(join(dir, '0001.snapshot.json'), multipassSnapshotReader)).metadata.info).toContain(
      'Children:       before-upgrade\n                experiment\n',
    );
    expect(await multipassSnapshotReader.detect(await probePath(join(dir, 'snapshot-head')))).toBeNull();
    expect(await multipassReader.detect(await probePath(join(dir, '0001.snapshot.json')))).toBeNull();
  });

  it('opens a data root with every instance and its snapshots as children', async () => {
    const data = join(root, 'data');
    const instances = join(data, 'vault', 'instances');
    instance({}, DEFAULT_TAGS, instances, 'alpha');
    instance(
      {
        '0002.snapshot.json': undefined,
        '0003.snapshot.json': undefined,
        'snapshot-head': '1\n',
        'snapshot-count': '1\n',
      },
      DEFAULT_TAGS.slice(0, 1),
      instances,
      'beta',
    );
    mkdirSync(join(instances, 'not-an-instance'));
    const snapshot = await open(data);
    expect(snapshot.variant).toBe('data-root');
    expect(snapshot.metadata.instances).toEqual(['alpha', 'beta']);
    expect(snapshot.children.map((c) => c.selector)).toEqual([
      'alpha',
      'alpha:snapshot1',
      'alpha:@s1',
      'alpha:before-upgrade',
      'alpha:@s2',
      'alpha:experiment',
      'alpha:@s3',
      'alpha:current',
      'beta',
      'beta:snapshot1',
      'beta:@s1',
      'beta:current',
    ]);
    expect(String(snapshot.metadata.info).split('\n').slice(-2)).toEqual([
      'alpha      experiment       snapshot1   try the other branch…',
      'beta       snapshot1        --          --',
    ]);
    expect((await disk(await child(snapshot, 'beta:@s1')))?.attrs.allocated_clusters).toBe(1);
    expect(snapshot.diagnostics).toEqual([]);
  });
});

const corpusInstance = join(corpusRoot, 'multipass/vault/instances/primary');
const corpus = existsSync(corpusInstance);
if (!corpus) console.warn(`SKIPPED Multipass corpus cases: ${corpusInstance} not found`);

describe.skipIf(!corpus)('the Multipass corpus instance', () => {
  it('shows the names, comments, parents, head and sizes of the corpus README', async () => {
    const snapshot = await open(corpusInstance);
    expect(snapshot.diagnostics).toEqual([]);
    expect(snapshot.metadata).toMatchObject({
      instance: 'primary',
      snapshot_count: 2,
      snapshot_head: 2,
      head: 'before-upgrade',
    });
    const rows = (snapshot.metadata.snapshots as Record<string, unknown>[]).map(
      ({ name, index, parent, comment, created, cores, memory, disk, head }) => [
        name,
        index,
        parent,
        comment,
        String(created && (created as Instant).toISOString()),
        cores,
        memory,
        disk,
        head,
      ],
    );
    expect(rows).toEqual([
      ['snapshot1', 1, null, '', '2026-11-22T01:11:34.120Z', 1, 1073741824, 268435456, false],
      [
        'before-upgrade',
        2,
        'snapshot1',
        'Snapshot before config migration',
        '2026-11-22T01:11:34.610Z',
        2,
        2147483648,
        268435456,
        true,
      ],
    ]);
    expect(snapshot.metadata.info).toBe(
      'Instance   Snapshot         Parent      Comment\nprimary    snapshot1        --          --\nprimary    before-upgrade   snapshot1   Snapshot before config migration',
    );
    const allocated = await Promise.all(
      ['snapshot1', '@s2', 'current'].map(
        async (selector) => (await disk(await child(snapshot, selector)))?.attrs.allocated_clusters,
      ),
    );
    expect(allocated).toEqual([16, 48, 49]);
    expect(await checkFindings(snapshot)).toEqual([]);
  });

  it('opens the corpus data root', async () => {
    const copy = join(root, 'corpus-copy');
    cpSync(join(corpusRoot, 'multipass'), copy, { recursive: true });
    const snapshot = await open(copy);
    expect(snapshot.children.map((c) => c.selector)).toEqual([
      'primary',
      'primary:snapshot1',
      'primary:@s1',
      'primary:before-upgrade',
      'primary:@s2',
      'primary:current',
    ]);
  });
});
