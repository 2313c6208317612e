import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { btreeMapImage } from '../../helpers/btree-builder.js';
import { cli, tempDir } from '../../helpers/cli.js';
import { icpFolderFiles, writeFiles } from '../../helpers/icp-builder.js';
import { buildMemoryManager, cellImage, logImages, vecImage } from '../../helpers/stable-builder.js';

const SERVICE = [
  'type User = record { name : text; age : nat8 };',
  'type Reply = variant { ok : nat; err : text };',
  'service : {',
  '  greet : (text) -> (opt User) query;',
  '  set : (text, User) -> (Reply);',
  '  lookup : (record { owner : principal; balance : nat }) -> () composite_query;',
  '}',
].join('\n');
const User = IDL.Record({ name: IDL.Text, age: IDL.Nat8 });
const Reply = IDL.Variant({ ok: IDL.Nat, err: IDL.Text });
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const u64 = (value: number): Uint8Array => Buffer.from(BigInt(value).toString(16).padStart(16, '0'), 'hex');
const user = (i: number): Uint8Array => IDL.encode([User], [{ name: `user ${i}`, age: 20 + i }]);
const pad = (n: number): string => String(n).padStart(3, '0');

/** 40 users in a V1 map: a root with leaves under it. */
const usersV1 = btreeMapImage({
  v1: { maxKeySize: 16, maxValueSize: 64 },
  entries: Array.from({ length: 40 }, (_, i) => [text(`user-${pad(i)}`), user(i)]),
});
/** u64 keys stored without a length (fixed size) in 128-byte pages; key 7's value needs three overflow pages. */
const big = Uint8Array.from({ length: 400 }, (_, i) => i & 0xff);
const countersV2 = btreeMapImage({
  v2: { pageSize: 128, fixedKeySize: true },
  entries: Array.from({ length: 30 }, (_, i) => [u64(i * 1000), i === 7 ? big : text(`n${i}`)]),
});
const cell = cellImage(
  IDL.encode(
    [IDL.Record({ owner: IDL.Principal, balance: IDL.Nat })],
    [{ owner: Principal.fromText('aaaaa-aa'), balance: 2n ** 64n }],
  ),
);
const replies = vecImage('SVC', [IDL.encode([Reply], [{ ok: 5n }]), IDL.encode([Reply], [{ err: 'no' }])], 40, false);
/** A raw Candid value at the start of a memory (no structure header), followed by leftover bytes. */
const rawCandid = Buffer.concat([IDL.encode([User], [{ name: 'raw', age: 1 }]), Buffer.from('trailing')]);
const log = logImages([text('first'), text('DIDL\x00garbage'), new Uint8Array([0, 1, 2])]);

function folder(name: string, memories: { id: number; data: Uint8Array }[], candidService = SERVICE): string {
  const dir = join(tempDir(), name);
  writeFiles(
    dir,
    icpFolderFiles({
      flavour: 'icp-cli',
      candidService,
      stableMemory: buildMemoryManager({ bucketSizePages: 1, memories }),
    }),
  );
  return dir;
}

const all = [
  { id: 0, data: usersV1 },
  { id: 1, data: countersV2 },
  { id: 2, data: cell },
  { id: 3, data: replies },
  { id: 4, data: log.index },
  { id: 5, data: log.data },
  { id: 6, data: rawCandid },
];

async function attrs(path: string): Promise<Record<string, unknown>> {
  const { code, stdout, stderr } = await cli(['info', '--json', path]);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout).attrs;
}

async function names(path: string): Promise<string[]> {
  const { code, stdout, stderr } = await cli(['ls', path]);
  expect(code, stderr).toBe(0);
  return stdout.split('\n').filter(Boolean);
}

describe('stable structures walked entry by entry', () => {
  const dir = folder('all', all);
  const memory = (id: number): string => `${dir}:stable_memory.bin/memory ${id}`;

  it('lists a V1 BTreeMap in key order with Candid values named by the service text', async () => {
    expect(await names(memory(0))).toEqual(Array.from({ length: 40 }, (_, i) => `user-${pad(i)}`));
    expect(await attrs(`${memory(0)}/user-017`)).toEqual({
      index: 17,
      value: '(record { age = 37; name = "user 17" })',
      value_encoding: 'candid',
      key: 'user-017',
      key_encoding: 'text',
    });
    const raw = await cli(['cat', `${memory(0)}/user-017`]);
    expect(Buffer.compare(raw.bytes, user(17))).toBe(0);
  });

  it('reads V2 nodes with fixed-size big-endian keys and values continued in overflow pages', async () => {
    expect(await names(memory(1))).toEqual(Array.from({ length: 30 }, (_, i) => String(i * 1000)));
    expect(await attrs(`${memory(1)}/29000`)).toMatchObject({
      index: 29,
      key: '29000',
      key_encoding: 'integer',
      value: 'n29',
      value_encoding: 'text',
    });
    const overflowing = await cli(['cat', `${memory(1)}/7000`]);
    expect(Buffer.compare(overflowing.bytes, big)).toBe(0);
    expect(await attrs(`${memory(1)}/7000`)).toMatchObject({
      value_encoding: 'hex',
      value: Buffer.from(big).toString('hex'),
    });
  });

  it('shows a Cell value (field names from a method argument), Vec elements and Log entries', async () => {
    expect(await attrs(`${memory(2)}/value`)).toEqual({
      index: 0,
      value: '(record { balance = 18446744073709551616; owner = principal "aaaaa-aa" })',
      value_encoding: 'candid',
    });
    expect(await names(memory(3))).toEqual(['0', '1']);
    expect((await attrs(`${memory(3)}/0`)).value).toBe('(variant { ok = 5 })');
    expect((await attrs(`${memory(3)}/1`)).value).toBe('(variant { err = "no" })');
    expect(await names(memory(4))).toEqual(['0', '1', '2']);
    expect(await attrs(`${memory(4)}/0`)).toEqual({ index: 0, value: 'first', value_encoding: 'text' });
    expect(await attrs(`${memory(4)}/2`)).toEqual({ index: 2, value: '000102', value_encoding: 'hex' });
    expect((await attrs(memory(4))).log_data_memory).toBe(5);
    const data = JSON.parse((await cli(['info', '--json', memory(5)])).stdout);
    expect(data).toMatchObject({ note: 'LogData (magic GLD, version 1)', entries: null });
  });

  it('decodes a Candid value written to a memory without a structure', async () => {
    expect(await attrs(`${memory(6)}/candid`)).toEqual({
      index: 0,
      value: '(record { age = 1; name = "raw" })',
      value_encoding: 'candid',
    });
    expect((await cli(['cat', `${memory(6)}/candid`])).bytes.length).toBe(rawCandid.length - 'trailing'.length);
  });

  it('keeps bytes that start with DIDL but do not decode as hex, with the reason', async () => {
    expect(await attrs(`${memory(4)}/1`)).toEqual({
      index: 1,
      value: Buffer.from('DIDL\x00garbage').toString('hex'),
      value_encoding: 'hex',
      value_problem: 'not valid Candid: 103 arguments cannot fit in the message',
    });
  });

  it('shows the interface in the module tree with signatures and named types', async () => {
    expect(await attrs(`${dir}:wasm_module.bin/methods/set`)).toEqual({
      kind: 'update',
      signature: '(text, User) -> (Reply)',
    });
    expect(await attrs(`${dir}:wasm_module.bin/methods/lookup`)).toEqual({
      kind: 'composite query',
      signature: '(record { owner : principal; balance : nat }) -> () composite_query',
    });
    expect(await names(`${dir}:wasm_module.bin/types`)).toEqual(['User', 'Reply']);
    expect(await attrs(`${dir}:wasm_module.bin/types/Reply`)).toEqual({
      definition: 'variant { ok : nat; err : text }',
    });
  });
});

describe('large maps page lazily', () => {
  const entries: [Uint8Array, Uint8Array][] = Array.from({ length: 2500 }, (_, i) => [u64(i), text(`v${i}`)]);
  const dir = folder('large', [
    { id: 0, data: btreeMapImage({ v2: { pageSize: 256 }, entries }) },
    { id: 1, data: btreeMapImage({ v1: { maxKeySize: 8, maxValueSize: 8 }, entries }) },
  ]);
  const map = `${dir}:stable_memory.bin/memory 0`;

  it('groups entries in page folders of 1000 and reads any page, also out of order', async () => {
    const listing = await cli(['ls', '-l', map]);
    expect(
      listing.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(/\s+/).at(-2) + ' ' + line.split(/\s+/).at(-1)),
    ).toEqual(['page 1/', 'page 2/', 'page 3/']);
    expect(await names(`${map}/page 3`)).toEqual(Array.from({ length: 500 }, (_, i) => String(2000 + i)));
    expect((await names(`${map}/page 2`)).slice(0, 2)).toEqual(['1000', '1001']);
    const page = await cli(['info', '--json', `${map}/page 2`]);
    expect(JSON.parse(page.stdout)).toMatchObject({ note: 'entries 1000-1999', entries: 1000 });
  });

  it('jumps ahead in a V1 map the same way', async () => {
    const v1 = `${dir}:stable_memory.bin/memory 1`;
    expect(await names(`${v1}/page 3`)).toEqual(Array.from({ length: 500 }, (_, i) => String(2000 + i)));
    expect((await attrs(`${v1}/page 3/2499`)).value).toBe('v2499');
  });
});

describe('diff of two snapshots of one canister', () => {
  const users = (edit: (entries: [Uint8Array, Uint8Array][]) => void): Uint8Array => {
    const entries: [Uint8Array, Uint8Array][] = Array.from({ length: 40 }, (_, i) => [text(`user-${pad(i)}`), user(i)]);
    edit(entries);
    return btreeMapImage({ v1: { maxKeySize: 16, maxValueSize: 64 }, entries });
  };
  const before = folder('before', [{ id: 0, data: users(() => undefined) }]);
  const laterService = SERVICE.replace(
    'set : (text, User) -> (Reply);',
    'set : (text, User, opt nat) -> (Reply);\n  drop : (text) -> ();',
  ).replace(/ *lookup[^\n]*\n/, '');
  const after = folder(
    'after',
    [
      {
        id: 0,
        data: users((entries) => {
          entries[5] = [text('user-005'), user(55)];
          entries.splice(10, 1);
          entries.push([text('user-040'), user(40)]);
        }),
      },
    ],
    laterService,
  );

  it('reports added, removed and changed keys of a stable map, and the interface method by method', async () => {
    const { code, stdout } = await cli(['diff', '--json', before, after]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    const entries = report.files.filter((file: { path: string }) => file.path.startsWith('stable_memory.bin/'));
    expect(entries.map((file: { path: string; change: string }) => `${file.change} ${file.path}`)).toEqual([
      'modified stable_memory.bin/memory 0/user-005',
      'removed stable_memory.bin/memory 0/user-010',
      'added stable_memory.bin/memory 0/user-040',
    ]);
    const candid = report.metadata.filter((change: { key: string }) => change.key.startsWith('module.candid.'));
    expect(candid).toEqual([
      {
        key: 'module.candid.methods.set',
        before: '(text, User) -> (Reply)',
        after: '(text, User, opt nat) -> (Reply)',
      },
      {
        key: 'module.candid.methods.lookup',
        before: '(record { owner : principal; balance : nat }) -> () composite_query',
        after: null,
      },
      { key: 'module.candid.methods.drop', before: null, after: '(text) -> ()' },
    ]);
  });

  it('matches keys across page folders, so a removal that shifts every later page is one change', async () => {
    const { code, stdout } = await cli(['diff', '--json', '--limit', 'entriesPerPage=8', before, after]);
    expect(code).toBe(1);
    const entries = JSON.parse(stdout).files.filter((file: { path: string }) =>
      file.path.startsWith('stable_memory.bin/'),
    );
    expect(entries.map((file: { path: string; change: string }) => `${file.change} ${file.path}`)).toEqual([
      'modified stable_memory.bin/memory 0/page 1/user-005',
      'removed stable_memory.bin/memory 0/page 2/user-010',
      'added stable_memory.bin/memory 0/page 5/user-040',
    ]);
  });

  it('does not enter the entries of identical memories', async () => {
    const { code, stdout } = await cli(['diff', '--json', before, before]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).files).toEqual([]);
  });
});
