/**
 * The VM corpus images read byte for byte as `qemu-img convert -O raw` writes them (each snapshot
 * with `-l snapshot.name=`), and their two snapshots compare by cluster identity.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstDifference } from '../../src/diff/content.js';
import { sha256Of, type Source } from '../../src/model/source.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { childrenOf } from '../../src/model/tree.js';
import { probePath } from '../../src/readers/probe.js';
import { qcow2Reader } from '../../src/readers/qcow2/index.js';
import { corpusRoot, tempDir } from '../helpers/cli.js';

const plain = join(corpusRoot, 'vm/tiny-gpt.qcow2');
const compressed = join(corpusRoot, 'vm/tiny-gpt-compressed.qcow2');
const corpus = existsSync(plain) && existsSync(compressed);
const qemu = spawnSync('qemu-img', ['--version']).status === 0;
if (!corpus) console.warn(`SKIPPED qcow2 VM corpus cases: ${plain} or ${compressed} not found`);
else if (!qemu) console.warn('SKIPPED qcow2 VM corpus cases: qemu-img is not installed (apt-get install qemu-utils)');

const dir = tempDir();
let made = 0;

function qemuSha(path: string, snapshot?: string): string {
  const out = join(dir, `converted-${++made}.raw`);
  const args = ['convert', '-O', 'raw', ...(snapshot ? ['-l', `snapshot.name=${snapshot}`] : []), path, out];
  const result = spawnSync('qemu-img', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`qemu-img ${args.join(' ')}: ${result.stderr}`);
  return createHash('sha256').update(readFileSync(out)).digest('hex');
}

async function open(path: string): Promise<Snapshot> {
  const probe = await probePath(path);
  return qcow2Reader.open(probe, await qcow2Reader.detect(probe), { showSecrets: false });
}

async function disk(image: Snapshot, selector?: string): Promise<Source> {
  const view = selector === undefined ? image : await image.children.find((c) => c.selector === selector)?.open();
  const [node] = view ? await childrenOf(view.root) : [];
  if (!node?.content) throw new Error(`no readable disk in ${selector ?? 'the image'}`);
  return node.content;
}

describe.skipIf(!corpus || !qemu)('the VM corpus qcow2 images', () => {
  it('reads tiny-gpt.qcow2 #before, #after and its current state as qemu-img convert does', async () => {
    const image = await open(plain);
    for (const selector of ['before', 'after'])
      expect(await sha256Of(await disk(image, selector)), selector).toBe(qemuSha(plain, selector));
    expect(await sha256Of(await disk(image))).toBe(qemuSha(plain));
  });

  it('reads tiny-gpt-compressed.qcow2 (every cluster compressed) as qemu-img convert does', async () => {
    const image = await open(compressed);
    expect(await sha256Of(await disk(image))).toBe(qemuSha(compressed));
  });

  it('finds the first difference of #before and #after where the bytes say, skipping what they share', async () => {
    const image = await open(plain);
    const [before, after] = await Promise.all([disk(image, 'before'), disk(image, 'after')]);
    const blind = (source: Source): Source => ({ size: source.size, read: (o, l) => source.read(o, l) });
    expect(await firstDifference(before, after)).toBe(await firstDifference(blind(before), blind(after)));
  });
});
