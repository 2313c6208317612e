/**
 * Configuration files found by their text (issue 14, item 6): unquoted keys in JS object literals,
 * YAML and INI lose their values under credential names, whatever the file is called; and a zip
 * member that failed its CRC32 keeps failing on every later read, so reading it once to look for
 * secrets cannot make cat print it as good.
 */
import { describe, expect, it } from 'vitest';
import { BytesSource } from '../../../src/model/source.js';
import { isConfigFileName, REDACTED, redactText } from '../../../src/readers/shared/secrets.js';
import { indexZip } from '../../../src/readers/shared/zip/central.js';
import { ZipMemberSource } from '../../../src/readers/shared/zip/member.js';
import { buildZip } from '../../helpers/zip-builder.js';

describe('redactText on configuration syntaxes', () => {
  it('hides values under unquoted credential keys in JS, YAML and INI, keeping the quotes and the rest', () => {
    const js =
      'module.exports = {\n  sessionSecret: \'js-1\', // cookies\n  app: { password: "js-2", port: 3000 },\n};\n';
    expect(redactText(js)).toBe(
      `module.exports = {\n  sessionSecret: '${REDACTED}', // cookies\n  app: { password: "${REDACTED}", port: 3000 },\n};\n`,
    );
    expect(redactText('db:\n  password: two words\n  host: db\n')).toBe(`db:\n  password: ${REDACTED}\n  host: db\n`);
    expect(redactText('[db]\npassword = ini-3\nuser = app\n')).toBe(`[db]\npassword = ${REDACTED}\nuser = app\n`);
  });

  it('leaves harmless keys, URLs without passwords and the options after a command-line secret alone', () => {
    const text = 'keyboard: us\nurl: https://example.com/a\nsecret:\n  - x\n';
    expect(redactText(text)).toBe(text);
    expect(redactText('run --db_password=x --port=80\n')).toBe(`run --db_password=${REDACTED} --port=80\n`);
  });

  it('reads a megabyte-long word in linear time (the URL pattern used to restart at each of its characters)', () => {
    const word = `${'a'.repeat(1_000_000)}password`;
    expect(redactText(word)).toBe(word);
    expect(redactText(`${word} postgres://u:pw@db/x`)).toBe(`${word} postgres://u:${REDACTED}@db/x`);
  });

  it('knows configuration files by name', () => {
    for (const path of ['composer/backend/conf/conf_example.js', 'etc/app.yaml', 'x/.env', '.env.local', 'my.cnf'])
      expect(isConfigFileName(path), path).toBe(true);
    for (const path of ['bin/busybox', 'pg_data', 'es_data', 'notes.txt'])
      expect(isConfigFileName(path), path).toBe(false);
  });
});

describe('a zip member with a bad CRC32', () => {
  it('fails every read that reaches its end, not only the first', async () => {
    const archive = new BytesSource(buildZip([{ name: 'a.txt', data: 'hello world', crc: 0x12345678 }]));
    const [entry] = (await indexZip(archive)).entries;
    if (!entry) throw new Error('no entry');
    const member = new ZipMemberSource(archive, entry);
    for (let attempt = 0; attempt < 2; attempt++)
      await expect(member.read(0, member.size)).rejects.toThrow(/fails its CRC32 check/);
    expect(Buffer.from(await member.read(0, 5)).toString()).toBe('hello');
  });
});
