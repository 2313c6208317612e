import { describe, expect, it } from 'vitest';
import { BytesSource } from '../src/model/source.js';
import { readPgDump, unescapeCopy } from '../src/readers/cloudify/pg-dump.js';
import { byteaHex, unpickle } from '../src/readers/cloudify/pickle.js';
import { sourceLines } from '../src/readers/shared/lines.js';
import { pgData } from './helpers/zip-builder.js';

function str(text: string): number[] {
  const bytes = [...Buffer.from(text)];
  return [0x58, bytes.length, 0, 0, 0, ...bytes];
}

/** `dsl_parser.models.Plan({'inputs': {'port': 8080}, 'nodes': [{'name': 'vm'}]})` as Cloudify pickles a blueprint plan. */
const plan = Uint8Array.from([
  0x80, 0x02, 0x63, ...Buffer.from('dsl_parser.models\nPlan\n'), 0x71, 0x01, 0x29, 0x81, 0x71, 0x02, 0x28,
  ...str('inputs'), 0x7d, 0x28, ...str('port'), 0x4d, 0x90, 0x1f, 0x75,
  ...str('nodes'), 0x5d, 0x7d, 0x28, ...str('name'), ...str('vm'), 0x75, 0x61,
  0x75, 0x2e,
]);

describe('pickle subset', () => {
  it('decodes a GLOBAL/NEWOBJ plan into a plain record', () => {
    expect(unpickle(plan)).toEqual({ ok: true, value: { inputs: { port: 8080 }, nodes: [{ name: 'vm' }] } });
  });

  it('decodes the empty dict COPY writes as \\\\x80027d71012e', () => {
    expect(unpickle(byteaHex(unescapeCopy('\\\\x80027d71012e') ?? '') ?? new Uint8Array())).toEqual({ ok: true, value: {} });
  });

  it('is opaque, never a crash, when cut at any byte or fed unknown opcodes', () => {
    for (let cut = 0; cut < plan.length; cut++) expect(unpickle(plan.subarray(0, cut)).ok).toBe(false);
    expect(unpickle(Uint8Array.from([0x80, 0x02, 0x93, 0x2e]))).toEqual({ ok: false, reason: 'unsupported opcode 0x93 at byte 2' });
  });

  it('keeps a hostile __proto__ key as a plain key', () => {
    const decoded = unpickle(Uint8Array.from([0x80, 0x02, 0x7d, 0x28, ...str('__proto__'), 0x7d, 0x28, ...str('polluted'), 0x88, 0x75, 0x75, 0x2e]));
    expect(decoded.ok && Object.keys(decoded.value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
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

  it('reports a dump cut inside a COPY block', async () => {
    const text = pgData();
    const dump = await readPgDump(new BytesSource(Buffer.from(text.slice(0, text.indexOf('ex-later')))), 'pg_data');
    expect(dump.diagnostics).toEqual([{ severity: 'error', code: 'CLOUDIFY_DUMP_TRUNCATED', path: 'pg_data', message: 'pg_data ends inside the COPY block of executions' }]);
  });
});
