import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits, sharedLimits } from '../shared/limits.js';
import { isMetaRecord, type MetaValue } from '../../model/metadata.js';
import { isSecretName, maskUrlPasswords, REDACTED, redactionOf } from '../shared/secrets.js';

/** Said when a secret-bearing file is over `limits.redactBytes`: it is withheld rather than shown half-redacted. */
export function tooLargeToRedact(path: string): Diagnostic {
  const message = `${path} is larger than the redactBytes limit of ${limits.redactBytes} bytes, so it is not redacted but withheld whole (--show-secrets shows it)`;
  return diagnostic('info', 'CLOUDIFY_WITHHELD', message, path);
}

/** Said when a dump line over `sharedLimits.values.dumpLineBytes` was skipped: it may hold credentials nobody checked, so the dump is withheld. */
export function uncheckedLines(path: string): Diagnostic {
  const message = `${path} has lines longer than the dumpLineBytes limit of ${sharedLimits.values.dumpLineBytes} bytes that could not be checked for credentials, so it is withheld whole (--show-secrets shows it)`;
  return diagnostic('info', 'CLOUDIFY_WITHHELD', message, path);
}

/** Values that are credentials whatever their key: PEM private keys, Fernet tokens, pbkdf2 hashes, URLs with a password. */
const SECRET_VALUE =
  /-----BEGIN ([A-Z ]+ )?PRIVATE KEY-----|^gAAAAA[0-9A-Za-z_-]+={0,2}$|^\$pbkdf2-sha256\$\d+\$|\w+:\/\/[^:/\s]+:[^@/\s]+@/;

export function isSecretValue(value: string): boolean {
  return SECRET_VALUE.test(value);
}

/** True when a decoded structure carries a non-empty value under a secret key, or a value that is a credential by itself. */
export function hasSecretValue(value: MetaValue, key = ''): boolean {
  if (typeof value === 'string') return value !== '' && (isSecretName(key) || isSecretValue(value));
  if (Array.isArray(value)) return value.some((item) => hasSecretValue(item, key));
  if (isMetaRecord(value)) return Object.entries(value).some(([name, item]) => hasSecretValue(item, name));
  return false;
}

/** A copy with credential values replaced; keys stay so a reader sees what was there. */
export function redactValue(value: MetaValue, key = '', everything = false): MetaValue {
  if (typeof value === 'string') {
    if (value === '' || !(everything || isSecretName(key) || isSecretValue(value))) return value;
    // A database URL keeps its host and user; only the password goes.
    const masked = maskUrlPasswords(value);
    return masked !== value && !everything && !isSecretName(key) ? masked : redactionOf(value);
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key, everything));
  if (isMetaRecord(value)) {
    const copy: Record<string, MetaValue> = {};
    for (const [name, item] of Object.entries(value)) {
      Object.defineProperty(copy, name, {
        value:
          isSecretName(name) && item !== null && typeof item === 'object'
            ? REDACTED
            : redactValue(item, name, everything),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
  if (everything && value !== null && typeof value !== 'boolean') return REDACTED;
  return value;
}
