/**
 * The read-only guarantee for every reader: the sha256, size, type and mtime of every file and
 * folder of an input, and of the folder it sits in, are the same after every command as before,
 * and nothing new appears beside it (no lock, cache or temp file).
 */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { fingerprint, fingerprintChanges, outputProblems } from '../helpers/invariants.js';
import { folderInput, writeInput, type Input } from '../fuzz/input.js';
import { seedsByReader } from '../fuzz/seeds.js';
import { icpFolderFiles } from '../helpers/icp-builder.js';

const MAX_CATS = 12;

/** An ICP folder in the middle of an icp-cli download and after a dfx upload: the files a careless tool would rewrite. */
function icpWithProgress(): Input {
  const files: Map<string, Uint8Array | string> = icpFolderFiles({ flavour: 'icp-cli', wasmPages: 1 });
  files.set('.download_progress.json', '{"wasm_module": {"frontier": 0, "ahead": []}}');
  files.set('.upload_progress.json', '{"snapshot_id": "0000000000000001"}');
  files.set('.dfx_upload_progress.json', '{"snapshot_id": "0000000000000002"}');
  return folderInput(files);
}

const inputs: [string, Input][] = [
  ...Object.entries(seedsByReader).flatMap(([reader, seeds]) =>
    seeds().map(({ name, input }) => [`${reader}/${name}`, input] as [string, Input]),
  ),
  ['icp-snapshot/progress files', icpWithProgress()],
];

/** Every command a person or a script would run on `path`, child snapshots and entries included. */
async function everyCommand(path: string, other: string): Promise<string[][]> {
  const commands = [
    ['info', path],
    ['info', '--json', path],
    ['ls', '-R', '-l', path],
    ['verify', path],
    ['verify', '--json', path],
    ['diff', other, path],
    ['diff', '--json', '--text-diff', path, other],
    ['hash', path],
    [path],
  ];
  const info = await cli(['info', '--json', path]);
  for (const { selector } of (JSON.parse(info.stdout) as { children: { selector: string }[] }).children)
    commands.push(['ls', '-R', `${path}#${selector}`], ['info', `${path}#${selector}`]);
  const entries = JSON.parse((await cli(['ls', '--json', '-R', path])).stdout) as { path: string; kind: string }[];
  for (const entry of entries.filter(({ kind }) => kind !== 'dir').slice(0, MAX_CATS))
    commands.push(['cat', `${path}:${entry.path}`], ['info', `${path}:${entry.path}`]);
  return commands;
}

describe('no command writes anything next to or inside its input', () => {
  it.each(inputs)('%s', async (_, input) => {
    const parent = tempDir();
    const path = writeInput(join(parent, 'input'), input);
    const other = writeInput(join(parent, 'same'), input);
    const before = fingerprint(parent);
    const commands = await everyCommand(path, other);
    expect(commands.length).toBeGreaterThan(9);
    for (const args of commands) {
      const result = await cli(args);
      expect(outputProblems(args, result), args.join(' ')).toEqual([]);
    }
    expect(fingerprintChanges(before, fingerprint(parent))).toEqual([]);
  });

  it('hash -o writes only its output file, which need not sit beside the input', async () => {
    const parent = tempDir();
    const path = writeInput(join(parent, 'input'), icpWithProgress());
    const before = fingerprint(parent);
    const manifest = join(tempDir(), 'out.json');
    expect((await cli(['hash', path, '-o', manifest])).code).toBe(0);
    expect(fingerprintChanges(before, fingerprint(parent))).toEqual([]);
    expect(fingerprint(manifest).size).toBe(1);
  });

  it('the fingerprint notices a new file and a rewritten one', async () => {
    const parent = tempDir();
    writeInput(join(parent, 'input'), folderInput({ a: 'one' }));
    const before = fingerprint(parent);
    writeFileSync(join(parent, 'input', '.lock'), '');
    expect(fingerprintChanges(before, fingerprint(parent))).toEqual(['changed: input', 'new: input/.lock']);
    const again = fingerprint(parent);
    writeFileSync(join(parent, 'input', 'a'), 'two');
    expect(fingerprintChanges(again, fingerprint(parent))).toEqual(['changed: input/a']);
    // Same bytes, only the mtime touched: still a change.
    const third = fingerprint(parent);
    utimesSync(join(parent, 'input', 'a'), 1, 1);
    expect(fingerprintChanges(third, fingerprint(parent))).toEqual(['changed: input/a']);
  });
});
