export const REDACTED = '<redacted: --show-secrets reveals it>';

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
  if (words.some((word) => SECRET_WORDS.has(word)) || SECRET_PHRASES.test(name)) return true;
  return words.length > 1 && words.includes('key');
}

/** One `NAME=value` environment entry, its value hidden when the name looks like a credential's. */
export interface EnvEntry {
  name: string;
  value: string;
  secret: boolean;
  /** The entry as it is shown: `NAME=value`, or `NAME=<redacted…>`. */
  shown: string;
}

export function environmentEntry(entry: string, showSecrets: boolean): EnvEntry {
  const equals = entry.indexOf('=');
  const name = equals < 0 ? entry : entry.slice(0, equals);
  const value = equals < 0 ? '' : entry.slice(equals + 1);
  const secret = equals >= 0 && isSecretName(name);
  const hidden = secret && !showSecrets;
  return { name, value: hidden ? REDACTED : value, secret, shown: hidden ? `${name}=${REDACTED}` : entry };
}
