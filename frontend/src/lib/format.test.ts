import { describe, expect, it } from 'vitest';
import { relativeTime } from './format';

describe('relativeTime', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const en = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  it.each([
    ['2024-05-01T11:57:00+00:00', '3 minutes ago'],
    ['2024-05-01T11:59:58+00:00', '2 seconds ago'],
    ['2024-04-30T12:00:00+00:00', 'yesterday'],
    ['2023-05-01T12:00:00+00:00', 'last year'],
  ])('%s → %s', (when, want) => {
    expect(relativeTime(when, now, en)).toBe(want);
  });
  it('gives nothing for nothing', () => {
    expect(relativeTime('', now, en)).toBe('');
    expect(relativeTime('garbage', now, en)).toBe('');
  });
});

// markdownToHtml sanitises with DOMPurify, which needs a real DOM: it is
// covered in real Chromium by e2e/tests/richtext.test.mjs.

import { countdown, goDuration, goShort, humanError, plural, deliveryState } from './delivery';

describe('delivery wording', () => {
  it('reads countdowns and Go durations in words', () => {
    expect(countdown(48_000)).toBe('48 s');
    expect(countdown(185_000)).toBe('3 min 5 s');
    expect(countdown(3_600_000)).toBe('1 h');
    expect(goDuration('1m0s')).toBe('1 min');
    expect(goDuration('10s')).toBe('10 s');
    expect(goDuration('2h30m0s')).toBe('2 h 30 min');
    expect(goDuration('500ms')).toBe('500 ms');
    expect(['10s', '1m0s', '2h0m0s', '1h30m0s'].map(goShort)).toEqual(['10s', '1m', '2h', '1h30m']);
  });
  it('derives retrying from pending, attempts and a next attempt', () => {
    expect(deliveryState({ status: 'pending', attempts: 0 })).toBe('queued');
    expect(deliveryState({ status: 'pending', attempts: 1, nextAttemptAt: '2026-01-01T00:00:00Z' })).toBe('retrying');
    expect(deliveryState({ status: 'error', attempts: 6 })).toBe('error');
  });
  it('says network errors in words and pluralises', () => {
    expect(humanError('Request failed: Post "http://127.0.0.1:9/x": dial tcp 127.0.0.1:9: connect: connection refused')).toBe(
      'Connection refused by 127.0.0.1:9',
    );
    expect(plural(1, 'property', 'properties')).toBe('1 property');
    expect(plural(2, 'property', 'properties')).toBe('2 properties');
  });
});
