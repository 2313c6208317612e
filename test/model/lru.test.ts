import { describe, expect, it } from 'vitest';
import { LruMap } from '../../src/model/lru.js';

describe('LruMap', () => {
  it('drops the least recently used entry once over capacity, a read counting as a use', () => {
    const map = new LruMap<number, string>(2);
    map.set(1, 'a');
    map.set(2, 'b');
    expect(map.get(1)).toBe('a');
    map.set(3, 'c');
    expect([map.get(1), map.get(2), map.get(3)]).toEqual(['a', undefined, 'c']);
  });
});
