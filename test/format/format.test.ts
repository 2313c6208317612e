import { describe, expect, it } from 'vitest';
import { metadataLines } from '../../src/format/meta-text.js';
import { modeString, octalMode } from '../../src/format/nodes.js';
import { humanBytes } from '../../src/format/sizes.js';
import { formatValue, hex, stringifyJson, toJsonValue } from '../../src/format/values.js';
import { Instant, type MetaRecord } from '../../src/model/metadata.js';
import type { NodeKind, TreeNode } from '../../src/model/tree.js';
import { hasKeys, isJsonObject, parseJson, type JsonValue } from '../../src/readers/shared/json.js';

const NS = 1763770000123456789n;
const ISO = '2025-11-22T00:06:40.123456789Z';

function node(kind: NodeKind, mode?: number): TreeNode {
  return mode === undefined ? { name: 'x', kind, size: 0, attrs: {} } : { name: 'x', kind, size: 0, attrs: {}, mode };
}

function parsed(text: string): JsonValue {
  const result = parseJson(text);
  if (!result.ok) throw new Error(`parse failed: ${result.error}`);
  return result.value;
}

describe('parseJson', () => {
  it('keeps integers exact as bigint and other numbers as doubles', () => {
    expect(parsed('{"big": 9007199254740993, "small": 5, "neg": -12, "float": 1.5, "exp": 1e3, "one": 1.0}')).toEqual({
      big: 9007199254740993n,
      small: 5n,
      neg: -12n,
      float: 1.5,
      exp: 1000,
      one: 1,
    });
    expect(parsed('18446744073709551615')).toBe(18446744073709551615n);
    expect(parsed('[1763770000123456789, "s", true, null]')).toEqual([1763770000123456789n, 's', true, null]);
  });

  it('keeps key order and a __proto__ key as plain data', () => {
    const value = parsed('{"z": 1, "a": 2, "__proto__": {"polluted": true}}');
    expect(Object.keys(value as object)).toEqual(['z', 'a', '__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['{"a": [1, 2', /end of input/],
    ['', /end of input/],
    ['{"a": 1,}', /./],
    ['not json', /./],
    ['{"a": 1} trailing', /./],
  ])('rejects %j with a message instead of throwing', (text, message) => {
    const result = parseJson(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(message);
      expect(result.error).not.toMatch(/\n/);
    }
  });

  it('survives absurd nesting without throwing', () => {
    for (const text of ['['.repeat(50000), '['.repeat(50000) + ']'.repeat(50000), '{"a":'.repeat(50000)]) {
      const result = parseJson(text);
      if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
    }
    expect(parseJson('['.repeat(50000)).ok).toBe(false);
  });

  it('isJsonObject and hasKeys', () => {
    expect(isJsonObject(parsed('{"a": 1}'))).toBe(true);
    expect(isJsonObject(parsed('[1]'))).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject(undefined)).toBe(false);
    expect(hasKeys(parsed('{"a": 1, "b": null}'), ['a', 'b'])).toBe(true);
    expect(hasKeys(parsed('{"a": 1}'), ['a', 'b'])).toBe(false);
    expect(hasKeys(parsed('["a", "b"]'), ['0'])).toBe(false);
  });
});

describe('stringifyJson', () => {
  it('writes bigints as bare integer literals with 2-space indent', () => {
    expect(stringifyJson({ a: NS })).toBe('{\n  "a": 1763770000123456789\n}');
    expect(stringifyJson([-5n, 0n, 2n ** 64n])).toBe('[\n  -5,\n  0,\n  18446744073709551616\n]');
    expect(stringifyJson(7n)).toBe('7');
  });

  it('round-trips exactly through parseJson', () => {
    const value = { ts: NS, nested: { list: [1n, 2.5, 'x', null, true] }, max: 18446744073709551615n };
    expect(parsed(stringifyJson(value))).toEqual(value);
  });

  it('is JSON.stringify with 2-space indent for values without bigints', () => {
    const samples: unknown[] = [
      { a: 'bigint:5', b: ['\u0000', '"quoted"', '\\u0000bigint:1'] },
      [],
      {},
      'text',
      1.5,
      null,
    ];
    for (const value of samples) expect(stringifyJson(value)).toBe(JSON.stringify(value, null, 2));
  });

  // BUG: bigints are smuggled through JSON.stringify as the string "\u0000bigint:N" and then
  // unquoted by a regex, so a real string (or key) with that content, which hostile snapshot
  // metadata can contain, is rewritten and the output can even stop being JSON.
  it('does not rewrite strings that look like its internal bigint marker', () => {
    for (const value of [{ a: '\u0000bigint:5' }, { a: 'x"\u0000bigint:5' }, { '\u0000bigint:1': 1 }]) {
      const text = stringifyJson(value);
      expect(text).toBe(JSON.stringify(value, null, 2));
      expect(JSON.parse(text)).toEqual(value);
    }
  });
});

describe('toJsonValue', () => {
  it('turns bytes into hex and instants into ISO strings, recursively', () => {
    const value: MetaRecord = {
      hash: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      empty: new Uint8Array(0),
      at: new Instant(NS),
      list: [new Uint8Array([1]), new Instant(0n), 3n],
      nested: { inner: new Uint8Array([0x0a]), n: null, s: 'x', f: false },
    };
    expect(toJsonValue(value)).toEqual({
      hash: 'deadbeef',
      empty: '',
      at: ISO,
      list: ['01', '1970-01-01T00:00:00Z', 3n],
      nested: { inner: '0a', n: null, s: 'x', f: false },
    });
    expect(stringifyJson(toJsonValue({ at: new Instant(NS), size: NS }))).toBe(
      `{\n  "at": "${ISO}",\n  "size": 1763770000123456789\n}`,
    );
  });
});

describe('hex and formatValue', () => {
  it('hex respects the view of a subarray', () => {
    expect(hex(new Uint8Array([1, 2, 3, 4]).subarray(1, 3))).toBe('0203');
    expect(hex(new Uint8Array([0x00, 0xff]))).toBe('00ff');
    expect(hex(new Uint8Array(0))).toBe('');
  });

  it.each<[unknown, string]>([
    [null, 'null'],
    [true, 'true'],
    [false, 'false'],
    [42, '42'],
    [1.5, '1.5'],
    [2n ** 64n, '18446744073709551616'],
    [-3n, '-3'],
    ['plain é', 'plain é'],
    ['a\u001b[2Jb\n', 'a\\x1b[2Jb\\x0a'],
    ['', ''],
    [new Uint8Array([0xca, 0xfe]), 'cafe'],
    [new Uint8Array(0), '(empty)'],
    [new Instant(NS), ISO],
    [[1n, 'x', null, [new Uint8Array([1])]], '[1, x, null, [01]]'],
    [[], '[]'],
    [{}, '{}'],
    [{ a: 1n, 'k\u202e': { b: [] }, c: new Instant(0n) }, '{a: 1, k\\u202e: {b: []}, c: 1970-01-01T00:00:00Z}'],
  ])('formatValue(%o) → %j', (value, expected) => {
    expect(formatValue(value as never)).toBe(expected);
  });
});

describe('metadataLines', () => {
  it('renders nested records, lists of records, bytes and multi-line strings', () => {
    const record: MetaRecord = {
      name: 'canister',
      nested: { inner: 1n, deeper: { flag: true } },
      empty: {},
      numbers: [1n, 2n],
      nothing: [],
      globals: [{ type: 'i32', value: 5n }, { a: 1n, b: 2n, c: 3n, d: 4n, e: 5n }, { n: { m: 1n } }],
      chunks: [new Uint8Array([1, 2]), new Uint8Array(0)],
      candid: 'service : {\n  get : () -> (text) query;\n}\n',
      'bad\u001bkey': 'v\u0007',
      hash: new Uint8Array([0xab, 0xcd]),
      blank: new Uint8Array(0),
      at: new Instant(NS),
    };
    expect(metadataLines(record)).toEqual([
      '  name: canister',
      '  nested:',
      '    inner: 1',
      '    deeper:',
      '      flag: true',
      '  empty: {}',
      '  numbers: [1, 2]',
      '  nothing: []',
      '  globals: (3)',
      '    [0]: {type: i32, value: 5}',
      '    [1]:',
      '      a: 1',
      '      b: 2',
      '      c: 3',
      '      d: 4',
      '      e: 5',
      '    [2]:',
      '      n:',
      '        m: 1',
      '  chunks: (2)',
      '    [0]: 0102',
      '    [1]: (empty)',
      '  candid:',
      '    | service : {',
      '    |   get : () -> (text) query;',
      '    | }',
      '  bad\\x1bkey: v\\x07',
      '  hash: abcd',
      '  blank: (empty)',
      `  at: ${ISO}`,
    ]);
  });

  it('escapes control characters inside a multi-line block and honours the indent', () => {
    expect(metadataLines({ text: 'one\r\n\u001b]0;title\u0007\n  three  \n\n' }, '')).toEqual([
      'text:',
      '  | one\\x0d',
      '  | \\x1b]0;title\\x07',
      '  |   three',
    ]);
    expect(metadataLines({})).toEqual([]);
    expect(metadataLines({ a: 'x' }, '>>')).toEqual(['>>a: x']);
  });
});

describe('humanBytes', () => {
  it.each<[number | bigint, string]>([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1.5 * 1024 * 1024, '1.5 MiB'],
    [100 * 1024 * 1024, '100.0 MiB'],
    [5n * 1024n ** 3n, '5.0 GiB'],
    [1024n ** 4n, '1.0 TiB'],
    [1024 ** 5, '1.0 PiB'],
    [1024 ** 6, '1024.0 PiB'],
    [0n, '0 B'],
    [18446744073709551615n, '16384.0 PiB'],
  ])('humanBytes(%s) → %s', (value, expected) => {
    expect(humanBytes(value)).toBe(expected);
  });
});

describe('modeString and octalMode', () => {
  it.each<[NodeKind, number | undefined, string]>([
    ['dir', 0o755, 'drwxr-xr-x'],
    ['dir', undefined, 'drwxr-xr-x'],
    ['file', 0o644, '-rw-r--r--'],
    ['file', undefined, '-rw-r--r--'],
    ['file', 0o100600, '-rw-------'],
    ['file', 0o000, '----------'],
    ['file', 0o777, '-rwxrwxrwx'],
    ['file', 0o421, '-r---w---x'],
    ['symlink', 0o777, 'lrwxrwxrwx'],
    ['hardlink', 0o640, 'hrw-r-----'],
    ['device', 0o660, 'crw-rw----'],
    ['fifo', 0o600, 'prw-------'],
    ['memory', undefined, 'mrw-r--r--'],
    ['memory', 0o600, 'mrw-------'],
    ['record', undefined, 'rrw-r--r--'],
    ['whiteout', 0o000, 'w---------'],
  ])('%s %s → %s', (kind, mode, expected) => {
    expect(modeString(node(kind, mode))).toBe(expected);
  });

  // BUG: modeString ignores setuid/setgid/sticky, which `ls` shows as s/S and t/T, although the
  // doc says "as ls prints it" (octalMode does keep them, e.g. 04755).
  it('shows setuid, setgid and sticky bits as ls does', () => {
    expect(modeString(node('file', 0o4755))).toBe('-rwsr-xr-x');
    expect(modeString(node('file', 0o2750))).toBe('-rwxr-s---');
    expect(modeString(node('dir', 0o1777))).toBe('drwxrwxrwt');
    expect(modeString(node('file', 0o4644))).toBe('-rwSr--r--');
  });

  it.each<[number | undefined, string | null]>([
    [undefined, null],
    [0o755, '0755'],
    [0o644, '0644'],
    [0, '0000'],
    [0o7, '0007'],
    [0o4755, '04755'],
    [0o1777, '01777'],
    [0o100644, '0644'],
    [0o40755, '0755'],
  ])('octalMode(%s) → %s', (mode, expected) => {
    expect(octalMode(mode)).toBe(expected);
  });
});
