import { describe, expect, it } from 'vitest';
import { applyLimits } from '../../../src/app/limits.js';
import { BytesSource } from '../../../src/model/source.js';
import { readPgDump, unescapeCopy } from '../../../src/readers/cloudify/pg-dump.js';
import { byteaHex, unpickle } from '../../../src/readers/cloudify/pickle.js';
import { sourceLines } from '../../../src/readers/shared/lines.js';
import { pgData } from '../../helpers/zip-builder.js';

function str(text: string): number[] {
  const bytes = [...Buffer.from(text)];
  return [0x58, bytes.length, 0, 0, 0, ...bytes];
}

/** `dsl_parser.models.Plan({'inputs': {'port': 8080}, 'nodes': [{'name': 'vm'}]})` as Cloudify pickles a blueprint plan. */
const plan = Uint8Array.from([
  0x80,
  0x02,
  0x63,
  ...Buffer.from('dsl_parser.models\nPlan\n'),
  0x71,
  0x01,
  0x29,
  0x81,
  0x71,
  0x02,
  0x28,
  ...str('inputs'),
  0x7d,
  0x28,
  ...str('port'),
  0x4d,
  0x90,
  0x1f,
  0x75,
  ...str('nodes'),
  0x5d,
  0x7d,
  0x28,
  ...str('name'),
  ...str('vm'),
  0x75,
  0x61,
  0x75,
  0x2e,
]);

describe('pickle subset', () => {
  it('decodes a GLOBAL/NEWOBJ plan into a plain record', () => {
    expect(unpickle(plan)).toEqual({ ok: true, value: { inputs: { port: 8080 }, nodes: [{ name: 'vm' }] } });
  });

  it('decodes the empty dict COPY writes as \\\\x80027d71012e', () => {
    expect(unpickle(byteaHex(unescapeCopy('\\\\x80027d71012e') ?? '') ?? new Uint8Array())).toEqual({
      ok: true,
      value: {},
    });
  });

  it('is opaque, never a crash, when cut at any byte or fed unknown opcodes', () => {
    for (let cut = 0; cut < plan.length; cut++) expect(unpickle(plan.subarray(0, cut)).ok).toBe(false);
    expect(unpickle(Uint8Array.from([0x80, 0x02, 0x93, 0x2e]))).toEqual({
      ok: false,
      reason: 'unsupported opcode 0x93 at byte 2',
    });
  });

  it('keeps a hostile __proto__ key as a plain key', () => {
    const decoded = unpickle(
      Uint8Array.from([
        0x80,
        0x02,
        0x7d,
        0x28,
        ...str('__proto__'),
        0x7d,
        0x28,
        ...str('polluted'),
        0x88,
        0x75,
        0x75,
        0x2e,
      ]),
    );
    expect(decoded.ok && Object.keys(decoded.value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps a __proto__ key in BUILD state as a plain key', () => {
    const state = [0x7d, 0x28, ...str('__proto__'), 0x7d, 0x28, ...str('polluted'), 0x88, 0x75, 0x75];
    const decoded = unpickle(
      Uint8Array.from([0x80, 0x02, 0x63, ...Buffer.from('m\nC\n'), 0x29, 0x81, ...state, 0x62, 0x2e]),
    );
    expect(decoded.ok && Object.keys(decoded.value as object)).toEqual(['__proto__']);
    expect(decoded.ok && Object.getPrototypeOf(decoded.value)).toBe(Object.prototype);
  });

  it('makes memo recalls that expand to 2^40 items, contain themselves or nest too deep opaque', () => {
    const expanding = Uint8Array.from([
      0x80,
      0x02,
      0x4e,
      ...Array.from({ length: 40 }, () => [0x71, 0x00, 0x68, 0x00, 0x86]).flat(),
      0x2e,
    ]);
    expect(unpickle(expanding)).toEqual({ ok: false, reason: 'pickle expands to more than 1000000 items' });
    expect(unpickle(Buffer.from(']q\0h\0a.', 'latin1'))).toEqual({ ok: false, reason: 'pickle contains itself' });
    const deep = Uint8Array.from([...Array<number>(300).fill(0x5d), ...Array<number>(299).fill(0x61), 0x2e]);
    expect(unpickle(deep)).toEqual({ ok: false, reason: 'pickle nests deeper than 200 levels' });
  });

  it('charges stringified dict keys to the same budget, so repeating a huge key cannot multiply the work', () => {
    // A tuple of 2^19 - 1 items fits the budget once; as the key of a second SETITEM it no longer does.
    const huge = [0x4e, ...Array.from({ length: 18 }, () => [0x71, 0x00, 0x68, 0x00, 0x86]).flat()];
    const bytes = Uint8Array.from([0x80, 0x02, 0x7d, ...huge, 0x71, 0x01, 0x4e, 0x73, 0x68, 0x01, 0x4e, 0x73, 0x2e]);
    expect(unpickle(bytes)).toEqual({ ok: false, reason: 'pickle expands to more than 1000000 items' });
  });
});

describe('COPY text and dump lines', () => {
  it('undoes COPY escapes', () => {
    expect(unescapeCopy('\\N')).toBeNull();
    expect(unescapeCopy('a\\tb\\nc\\\\d\\101\\x42')).toBe('a\tb\nc\\dAB');
  });

  it('splits lines the same whether fed whole or one byte per read', async () => {
    const text = `${pgData()}no newline at the end`;
    const whole: unknown[] = [];
    const bytewise: unknown[] = [];
    for await (const line of sourceLines(new BytesSource(Buffer.from(text)))) whole.push(line);
    for await (const line of sourceLines(new BytesSource(Buffer.from(text)), 1)) bytewise.push(line);
    expect(bytewise).toEqual(whole);
    expect(whole.map((line) => (line as { text: string }).text)).toEqual(text.split('\n'));
  });

  it('reads the same dump one byte per read', async () => {
    const source = new BytesSource(Buffer.from(pgData()));
    const [whole, bytewise] = [await readPgDump(source, 'pg_data'), await readPgDump(source, 'pg_data', 1)];
    expect(bytewise).toEqual(whole);
    expect(whole.createExecutionId).toBe('ex-snap');
    expect(whole.tables.get('executions')?.rowCount).toBe(3);
    expect([...whole.secretColumns]).toEqual([
      ['tenants.rabbitmq_password', 1],
      ['users.password', 1],
      ['users.api_token_key', 1],
      ['executions.parameters', 1],
      ['executions.token', 3],
      ['secrets.value', 1],
    ]);
  });

  it('counts UTF-8 bytes, not UTF-16 units, against redactBytes', async () => {
    // 104 UTF-16 units but 204 bytes: over a limit of 150 only when bytes are counted.
    const text = `-- ${'é'.repeat(100)}\n`;
    applyLimits(['redactBytes=150']);
    try {
      const dump = await readPgDump(new BytesSource(Buffer.from(text)), 'pg_data');
      expect(dump.redacted).toBeNull();
      expect(dump.diagnostics).toEqual([
        {
          severity: 'info',
          code: 'CLOUDIFY_WITHHELD',
          path: 'pg_data',
          message:
            'pg_data is larger than the redactBytes limit of 150 bytes, so it is not redacted but withheld whole (--show-secrets shows it)',
        },
      ]);
    } finally {
      applyLimits([]);
    }
  });

  it('reports a dump cut inside a COPY block', async () => {
    const text = pgData();
    const dump = await readPgDump(new BytesSource(Buffer.from(text.slice(0, text.indexOf('ex-later')))), 'pg_data');
    expect(dump.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'CLOUDIFY_DUMP_TRUNCATED',
        path: 'pg_data',
        message: 'pg_data ends inside the COPY block of executions',
      },
    ]);
  });
});
