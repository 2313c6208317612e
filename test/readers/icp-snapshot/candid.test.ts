import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/model/diagnostics.js';
import { DidSyntaxError, parseDid } from '../../../src/readers/icp-snapshot/candid/did-parser.js';
import { decodeDidl } from '../../../src/readers/icp-snapshot/candid/didl-decoder.js';
import { readInterface } from '../../../src/readers/icp-snapshot/candid/interface-view.js';
import { methodText, typeText } from '../../../src/readers/icp-snapshot/candid/types.js';

const SERVICE = `
// A ledger-like service: comments, named types, quoted and numeric labels, every method mode.
type Account = record { owner : principal; "sub account" : opt blob; 7 : nat16 };
type Result = variant { ok : nat; err : text; none };
/* block /* nested */ comment */
type Callback = func (nat) -> () oneway;
service : (init : record { admin : principal }) -> {
  balance : (Account) -> (nat) query;
  transfer : (to : Account, amount : nat) -> (Result);
  history : (nat64, vec record { nat; text }) -> (vec Account) composite_query;
  notify : (Callback) -> () oneway;
  peer : () -> (service { ping : () -> () });
}`;

describe('.did text', () => {
  it('parses methods with argument and result types and their modes', () => {
    const parsed = parseDid(SERVICE);
    expect(parsed.methods.map(methodText)).toEqual([
      'balance : (Account) -> (nat) query',
      'transfer : (to : Account, amount : nat) -> (Result)',
      'history : (nat64, vec record { nat; text }) -> (vec Account) composite_query',
      'notify : (Callback) -> () oneway',
      'peer : () -> (service { ping : () -> () })',
    ]);
    expect([...parsed.types].map(([name, type]) => `${name} = ${typeText(type)}`)).toEqual([
      'Account = record { owner : principal; "sub account" : opt blob; 7 : nat16 }',
      'Result = variant { ok : nat; err : text; none }',
      'Callback = func (nat) -> () oneway',
    ]);
    expect(parsed.initArgs?.map((arg) => `${arg.name} : ${typeText(arg.type)}`)).toEqual([
      'init : record { admin : principal }',
    ]);
  });

  it('resolves a service given by the name of a service type', () => {
    const parsed = parseDid('type S = service { get : () -> (nat) query }; service : S');
    expect(parsed.methods.map(methodText)).toEqual(['get : () -> (nat) query']);
  });

  it('reports where the text stops being Candid', () => {
    expect(() => parseDid('service : { get : () -> (nat) query')).toThrow(
      new DidSyntaxError('expected ";" after method get', 35),
    );
    expect(() => parseDid('service : { get : () => () }')).toThrow('unexpected character ">" at offset 22');
    const diagnostics: Diagnostic[] = [];
    expect(readInterface('service : {', undefined, 'wasm_module.bin', diagnostics)).toBeNull();
    expect(diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'ICP_CANDID_UNPARSABLE',
        path: 'wasm_module.bin',
        message: 'the Candid service text cannot be parsed: unexpected end of text at offset 11',
      },
    ]);
  });

  it('refuses types nested deeper than the limit instead of overflowing the stack', () => {
    expect(() => parseDid(`type T = ${'opt '.repeat(10_000)}nat;`)).toThrow('types nest deeper than 64 levels');
  });

  it('summarises the interface for metadata, with init arguments from candid:args when the service has none', () => {
    const view = readInterface('type P = record { x : int }; service : { move : (P) -> () }', '(nat, text)', 'm', []);
    expect(view?.summary).toEqual({
      methods: { move: '(P) -> ()' },
      types: { P: 'record { x : int }' },
      init_args: '(nat, text)',
    });
  });
});

describe('DIDL values decoded with their own type table', () => {
  const Account = IDL.Record({ owner: IDL.Principal, 'sub account': IDL.Opt(IDL.Vec(IDL.Nat8)), _7_: IDL.Nat16 });
  const Result = IDL.Variant({ ok: IDL.Nat, err: IDL.Text, none: IDL.Null });
  const account = { owner: Principal.fromText('aaaaa-aa'), 'sub account': [Uint8Array.of(0, 65, 255)], _7_: 9 };
  const message = IDL.encode(
    [Account, Result, IDL.Int, IDL.Vec(IDL.Tuple(IDL.Nat, IDL.Text))],
    [account, { ok: 2n ** 70n }, -(2n ** 64n), [[1n, 'a\n']]],
  );
  const names = readInterface(SERVICE, undefined, 'm', [])?.fieldNames;

  it('shows field names from the service text, exact big numbers, principals, blobs and tuples', () => {
    expect(decodeDidl(message, names)).toEqual({
      ok: true,
      length: message.length,
      text: '(record { 7 = 9; owner = principal "aaaaa-aa"; "sub account" = opt blob "\\00A\\ff" }, variant { ok = 1180591620717411303424 }, -18446744073709551616, vec { record { 1; "a\\n" } })',
    });
  });

  it('shows label hashes when no interface names them', () => {
    expect(decodeDidl(IDL.encode([Result], [{ none: null }]))).toEqual({
      ok: true,
      text: '(variant { 1225396920 })',
      length: 25,
    });
  });

  it('fails cleanly on every truncation of a valid message', () => {
    for (let length = 0; length < message.length; length++) {
      const result = decodeDidl(message.subarray(0, length), names);
      expect(result.ok, `cut at ${length}`).toBe(false);
    }
  });

  it('bounds hostile messages: huge type tables, endless vectors, self-nesting options', () => {
    const bytes = (...values: number[]): Uint8Array => Uint8Array.from([0x44, 0x49, 0x44, 0x4c, ...values]);
    expect(decodeDidl(bytes(0xff, 0xff, 0xff, 0xff, 0x0f))).toEqual({
      ok: false,
      error: 'type table has 4294967295 entries, more than 10000',
    });
    // vec null with 2^28 elements: no bytes per element, so only the value budget stops it.
    expect(decodeDidl(bytes(1, 0x6d, 0x7f, 1, 0, 0x80, 0x80, 0x80, 0x80, 0x01))).toEqual({
      ok: false,
      error: 'more than 100000 values in one message',
    });
    // type 0 = opt 0, and the value says "some" on and on.
    expect(decodeDidl(bytes(1, 0x6e, 0, 1, 0, ...Array<number>(100).fill(1)))).toEqual({
      ok: false,
      error: 'values nest deeper than 64 levels',
    });
    expect(decodeDidl(bytes(1, 0x6c, 1, 0, 5, 1, 0, 0))).toEqual({
      ok: false,
      error: 'type index 5 is outside the 1-entry type table',
    });
    expect(decodeDidl(bytes(0, 1, 0x71, 3, 0xff, 0xfe, 0xfd))).toEqual({ ok: false, error: 'text is not valid UTF-8' });
  });
});
