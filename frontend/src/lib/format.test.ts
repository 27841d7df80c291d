import { describe, expect, it } from 'vitest';
import { relativeTime } from './format';
import { markdownToHtml } from './markdown';

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

describe('markdownToHtml', () => {
  it('renders the common subset', () => {
    expect(markdownToHtml('# Hi\n\nSome **bold** and *it* `x`\n\n- a\n- b')).toBe(
      '<h1>Hi</h1>\n<p>Some <strong>bold</strong> and <em>it</em> <code>x</code></p>\n<ul><li>a</li><li>b</li></ul>',
    );
  });
  it('escapes markup and unsafe links', () => {
    const html = markdownToHtml('<img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://a.b)');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('<a href="https://a.b"');
  });
});
