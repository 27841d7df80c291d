import { describe, expect, it } from 'vitest';
import { describeSource, withPassword } from './database';

describe('withPassword', () => {
  it('puts the password in, percent-encoded', () => {
    const u = withPassword(' postgres://hook@127.0.0.1:5432/db?sslmode=disable ', 'p@ss/w:rd #1');
    expect(u).toBe('postgres://hook:p%40ss%2Fw%3Ard%20%231@127.0.0.1:5432/db?sslmode=disable');
    expect(decodeURIComponent(new URL(u).password)).toBe('p@ss/w:rd #1');
  });
  it('replaces a password typed in the URL', () => {
    expect(withPassword('postgresql://hook:old@h/db', 'new')).toBe('postgresql://hook:new@h/db');
  });
  it('leaves the URL as typed without a password or when it does not parse', () => {
    expect(withPassword('postgres://hook:pw@h/db', '')).toBe('postgres://hook:pw@h/db');
    expect(withPassword('not a url', 'pw')).toBe('not a url');
  });
});

describe('describeSource', () => {
  it('names where the database was chosen', () => {
    expect(describeSource({ source: 'env', file: '/d/database.json' })).toContain('HOOKLINE_DATABASE_URL');
    expect(describeSource({ source: 'file', file: '/d/database.json' })).toContain('/d/database.json');
    expect(describeSource({ source: 'flag', file: '' })).toContain('--database');
  });
});
