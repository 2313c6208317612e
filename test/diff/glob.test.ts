import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../src/diff/glob.js';

const paths = ['a.log', 'var/a.log', 'var/log/b.log', 'var/log', 'var/logs.txt', 'etc/hosts'];

describe('--exclude patterns', () => {
  it.each([
    ['*.log', ['a.log', 'var/a.log', 'var/log/b.log']],
    ['**/*.log', ['a.log', 'var/a.log', 'var/log/b.log']],
    ['var/**/*.log', ['var/a.log', 'var/log/b.log']],
    ['var/**', ['var/a.log', 'var/log/b.log', 'var/log', 'var/logs.txt']],
    ['var/log', ['var/log/b.log', 'var/log']],
    ['e?c', ['etc/hosts']],
  ])('%s matches exactly what git would', (pattern, expected) => {
    const matches = globMatcher([pattern]);
    expect(paths.filter(matches)).toEqual(expected);
  });
});
