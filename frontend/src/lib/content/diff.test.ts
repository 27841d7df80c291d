import { describe, expect, it } from 'vitest';
import { diffObjects } from './diff';

describe('diffObjects', () => {
  it('lists only the fields that differ, ignoring id and internal', () => {
    const a = { id: 'p1', title: 'One', price: 5, tags: ['a'], internal: { latestVersion: 1 } };
    const b = { id: 'p1', title: 'Two', price: 5, tags: ['a', 'b'], extra: true, internal: { latestVersion: 2 } };
    expect(diffObjects(a, b, ['title', 'price'])).toEqual([
      { field: 'title', left: 'One', right: 'Two' },
      { field: 'tags', left: '["a"]', right: '["a","b"]' },
      { field: 'extra', left: undefined, right: 'true' },
    ]);
  });
  it('treats a missing field and null alike', () => {
    expect(diffObjects({ a: null }, {})).toEqual([]);
  });
});
