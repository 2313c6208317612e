import { describe, expect, it } from 'vitest';
import { environmentEntry, isSecretName, REDACTED } from '../../../src/readers/shared/secrets.js';

describe('the one secret vocabulary', () => {
  it('knows credential names in every format’s naming style', () => {
    const secret = [
      'MYSQL_ROOT_PASSWORD',
      'DB_PASS',
      'GITHUB_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'API_KEY',
      'user.api.key',
      'environment.DB_PASSWORD',
      'dbPassword',
      'api_token_key',
      'encryption_key',
      'hash_salt',
      'broker_pass',
      'connection_parameters',
      'SESSION_COOKIE',
      'ssh-private',
    ];
    const plain = [
      'key',
      'KEY',
      'PATH',
      'HOME',
      'PASSPORT_ID',
      'author',
      'COMPASS_URL',
      'limits.memory',
      'keyboard',
      'name',
    ];
    expect(secret.filter((name) => !isSecretName(name))).toEqual([]);
    expect(plain.filter(isSecretName)).toEqual([]);
  });

  it('hides an environment value under a secret name unless asked, keeping everything after the first =', () => {
    expect(environmentEntry('DB_PASSWORD=a=b', false)).toEqual({
      name: 'DB_PASSWORD',
      value: REDACTED,
      secret: true,
      holdsPassword: false,
      shown: `DB_PASSWORD=${REDACTED}`,
    });
    expect(environmentEntry('DB_PASSWORD=a=b', true)).toEqual({
      name: 'DB_PASSWORD',
      value: 'a=b',
      secret: true,
      holdsPassword: false,
      shown: 'DB_PASSWORD=a=b',
    });
    expect(environmentEntry('PATH=/bin', false)).toEqual({
      name: 'PATH',
      value: '/bin',
      secret: false,
      holdsPassword: false,
      shown: 'PATH=/bin',
    });
    expect(environmentEntry('DATABASE_URL=postgres://app:pw@db/app', false)).toEqual({
      name: 'DATABASE_URL',
      value: `postgres://app:${REDACTED}@db/app`,
      secret: false,
      holdsPassword: true,
      shown: `DATABASE_URL=postgres://app:${REDACTED}@db/app`,
    });
    expect(environmentEntry('DATABASE_URL=postgres://app:pw@db/app', true).shown).toBe(
      'DATABASE_URL=postgres://app:pw@db/app',
    );
    expect(environmentEntry('TOKEN', false)).toEqual({
      name: 'TOKEN',
      value: '',
      secret: false,
      holdsPassword: false,
      shown: 'TOKEN',
    });
  });
});
