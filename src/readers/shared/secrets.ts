import { createHmac, randomBytes } from 'node:crypto';
import { isMetaRecord, type MetaRecord, type MetaValue } from '../../model/metadata.js';

export const REDACTED = '<redacted: --show-secrets reveals it>';

let fingerprintKey: Buffer | null = null;

/**
 * While on, each redacted value is marked with a keyed fingerprint of itself (`<redacted #1a2b3c4d5e6f: …>`),
 * so `diff` of two snapshots sees a changed secret as a change and an unchanged one as the same, without
 * printing either. The key is random and forgotten when turned off: a fingerprint cannot be matched
 * against guessed passwords, nor across runs.
 */
export function fingerprintRedactions(on: boolean): void {
  fingerprintKey = on ? (fingerprintKey ?? randomBytes(32)) : null;
}

/** Whether `text` is exactly one redaction marker, plain or fingerprinted. */
export function isRedactionMarker(text: string): boolean {
  return /^<redacted(?: #[0-9a-f]{12})?: --show-secrets reveals it>$/.test(text);
}

/** What replaces `value` in printed output: the plain marker, or the fingerprinted one while diffing. */
export function redactionOf(value: string | Uint8Array): string {
  if (!fingerprintKey) return REDACTED;
  const tag = createHmac('sha256', fingerprintKey).update(value).digest('hex').slice(0, 12);
  return `<redacted #${tag}: --show-secrets reveals it>`;
}

/** Words that make a setting's name a credential's name wherever they stand in it. */
const SECRET_WORDS = new Set([
  'pass',
  'passwd',
  'password',
  'passphrase',
  'pwd',
  'secret',
  'secrets',
  'token',
  'apikey',
  'private',
  'credential',
  'credentials',
  'auth',
  'salt',
  'cookie',
  'session',
]);

/** Inside a word too (`dbpassword`, `clientsecret`); other words only count whole (`tokenizer` is no token). */
const SECRET_STEMS = /pass(?:word|wd|phrase)|secret/;

/** Names whose value is a credential as a whole (Cloudify's broker connection parameters hold passwords). */
const SECRET_PHRASES = /connection_parameters/i;

/** The words of a name: split at `_`, `.`, `-`, spaces and lower-to-upper case changes (`dbPassword`). */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.\s-]+/)
    .filter((word) => word !== '');
}

/**
 * Whether a setting, environment variable or key is named like a credential, in any of the snapshot
 * formats' naming styles (`DB_PASSWORD`, `user.api.key`, `dbPassword`, `hash_salt`). `key` counts only
 * after another word (`api_key`, `encryption_key`): a bare `key` is usually the name of something.
 */
export function isSecretName(name: string): boolean {
  const words = wordsOf(name);
  if (words.some((word) => SECRET_WORDS.has(word) || SECRET_STEMS.test(word)) || SECRET_PHRASES.test(name)) return true;
  return words.length > 1 && words.includes('key');
}

/**
 * One `NAME=value` environment entry as shown: the value hidden when the name looks like a credential's,
 * and, under any name, the passwords of URLs in it masked (`DATABASE_URL=postgres://u:pw@db`).
 */
export interface EnvEntry {
  name: string;
  value: string;
  /** The name is a credential's. */
  secret: boolean;
  /** The value holds a URL with a password, whatever the name. */
  holdsPassword: boolean;
  /** The entry as it is shown: `NAME=value`, `NAME=<redacted…>` or the value with its URL passwords masked. */
  shown: string;
}

export function environmentEntry(entry: string, showSecrets: boolean): EnvEntry {
  const equals = entry.indexOf('=');
  const name = equals < 0 ? entry : entry.slice(0, equals);
  const raw = equals < 0 ? '' : entry.slice(equals + 1);
  const secret = equals >= 0 && isSecretName(name);
  const masked = maskUrlPasswords(raw);
  const value = showSecrets ? raw : secret ? redactionOf(raw) : masked;
  return { name, value, secret, holdsPassword: masked !== raw, shown: equals < 0 ? entry : `${name}=${value}` };
}

/**
 * A key that may be a credential's name: it holds one of the vocabulary's words. Free-text patterns
 * match only these, so a harmless pair cannot swallow a secret one quoted inside its value; each match
 * is then judged by `isSecretName` (`keyboard` holds `key` and is let go).
 */
function candidateKey(): string {
  const words = [...SECRET_WORDS, 'key', SECRET_STEMS.source, SECRET_PHRASES.source];
  return `[\\w.-]*(?:${words.join('|')})[\\w.-]*`;
}

/**
 * `scheme://user:password@host`: the user and host stay, only the password goes. The scheme starts at
 * a word boundary, so a long run of word characters is tried once, not from each of its characters.
 */
const URL_PASSWORD = /\b(\w+:\/\/[^:/\s]+:)([^@/\s]+)(@)/g;

/**
 * Quoted `key: value` pairs (JSON, Python reprs in log messages), also when the pair sits escaped inside
 * another JSON string (`\\"password\\": \\"x\\"`, as NDJSON log lines hold it): a quote is any run of
 * backslashes and a quote mark, so an escaped pair matches the same way.
 */
const QUOTED_PAIR = new RegExp(
  `(\\\\*['"])(${candidateKey()})\\1(\\s*[:=]\\s*u?)(\\\\*['"])((?:(?!\\4)(?:\\\\.|[^\\\\]))*)\\4`,
  'gi',
);

/** `key=value` with a bare or quoted value: command lines, `ENV KEY=value`, `--build-arg`, query strings, env dumps. */
const BARE_PAIR = new RegExp(`\\b(${candidateKey()}=)('[^']*'|"[^"]*"|[^\\s&,;'"\\\\]+)`, 'gi');

/**
 * An unquoted key in config syntax: a JS object literal or YAML (`secret: 'x'`, `password: x`) or INI
 * with spaces around `=` (`password = x`). A bare value runs to the end of the line, a `,`, `;` or `}`;
 * a value already redacted by the patterns before is left alone.
 */
const UNQUOTED_KEY_PAIR = new RegExp(
  `(^|[\\s{,(])(${candidateKey()})([ \\t]*:[ \\t]*|[ \\t]+=[ \\t]*)('[^'\\n]*'|"[^"\\n]*"|(?!<redacted)[^\\s,;}'"][^\\n,;}]*)`,
  'gim',
);

/** Files whose text is configuration, in any of the syntaxes the free-text redactor reads. */
const CONFIG_FILE_NAME =
  /(?:^|\/)(?:[^/]*\.(?:js|cjs|mjs|json|ya?ml|ini|conf|cfg|cnf|env|properties|toml)|\.env(?:\.[^/]*)?)$/i;

/** Whether a file is named like configuration, so its text is redacted when printed whatever its exact path. */
export function isConfigFileName(path: string): boolean {
  return CONFIG_FILE_NAME.test(path);
}

/** Key files by their usual names: PEM keys, certificates bundled with their key, OpenSSH private keys. */
const KEY_FILE_NAME = /(?:\.pem|\.key|(?:^|\/)id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?)$/i;

/** Whether a file's text is judged for credentials before it is printed: configuration and key files. */
export function isCredentialFileName(path: string): boolean {
  return CONFIG_FILE_NAME.test(path) || KEY_FILE_NAME.test(path);
}

/**
 * A file's bytes with their credentials redacted, or null when it holds none. Read as Latin-1, so each
 * byte is one character: everything but the redacted values comes back byte for byte, whatever the encoding.
 */
export function redactedFileBytes(bytes: Uint8Array): Uint8Array | null {
  const original = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const redacted = redactText(original);
  return redacted === original ? null : Buffer.from(redacted, 'latin1');
}

/** The old Dockerfile form without `=`: `ENV DB_PASSWORD hunter2` sets the name to the rest of the line. */
const ENV_WITHOUT_EQUALS = /(\bENV\s+)([\w.-]+)(\s+)([^\s=][^\n]*)/g;

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z ]+ )?PRIVATE KEY-----[\s\S]*?-----END ([A-Z ]+ )?PRIVATE KEY-----/g;

/**
 * Free text (a build command, a label, a log line, a config file of unknown syntax) with every value
 * under a credential-like name, every PEM private key and every URL password replaced by `REDACTED`.
 * Names are judged by the one vocabulary, `isSecretName`.
 */
export function redactText(text: string): string {
  return text
    .replace(QUOTED_PAIR, (match, quote: string, key: string, separator: string, valueQuote: string, value: string) =>
      isSecretName(key) ? `${quote}${key}${quote}${separator}${valueQuote}${redactionOf(value)}${valueQuote}` : match,
    )
    .replace(BARE_PAIR, (match, key: string, value: string) =>
      isSecretName(key.slice(0, -1)) ? `${key}${redactionOf(value)}` : match,
    )
    .replace(UNQUOTED_KEY_PAIR, (match, before: string, key: string, separator: string, value: string) => {
      if (!isSecretName(key)) return match;
      const quote = /^['"]/.test(value) ? value.charAt(0) : '';
      return `${before}${key}${separator}${quote}${redactionOf(value)}${quote}`;
    })
    .replace(ENV_WITHOUT_EQUALS, (match, env: string, key: string, space: string, value: string) =>
      isSecretName(key) ? `${env}${key}${space}${redactionOf(value)}` : match,
    )
    .replace(PEM_PRIVATE_KEY, (key) => redactionOf(key))
    .replace(
      URL_PASSWORD,
      (_, before: string, password: string, at: string) => `${before}${redactionOf(password)}${at}`,
    );
}

/** A value with only the passwords of the URLs in it masked, or `value` itself when it holds none. */
export function maskUrlPasswords(value: string): string {
  return value.replace(
    URL_PASSWORD,
    (_, before: string, password: string, at: string) => `${before}${redactionOf(password)}${at}`,
  );
}

/** Strings redacted as free text, and whole values under secret-named keys (a label `db.password`). */
export function redactedValue(value: MetaValue, key = ''): MetaValue {
  if (typeof value === 'string')
    return key && isSecretName(key) && value !== '' ? redactionOf(value) : redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactedValue(item));
  if (isMetaRecord(value)) {
    const copy: MetaRecord = {};
    for (const [name, item] of Object.entries(value)) copy[name] = redactedValue(item, name);
    return copy;
  }
  return value;
}
