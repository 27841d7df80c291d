import { describe, expect, it } from 'vitest';
import type { InboxRequest } from '../../lib/api/inbox';
import {
  formatBytes,
  generateSecret,
  headersFromRows,
  inboxUrl,
  isJsonType,
  newWebhookHref,
  prettyJson,
  requestUrl,
  shellQuote,
  signatureLabel,
  toCurl,
} from './format';

function req(over: Partial<InboxRequest> = {}): InboxRequest {
  return {
    id: 'req_1', inbox: 'orders', n: 1, number: 1, summary: '', method: 'POST', path: '/', query: '', contentType: 'application/json',
    bodySize: 2, truncated: false, remoteAddr: '127.0.0.1:1', receivedAt: '2026-01-01T00:00:00Z',
    signature: 'unchecked', signatureReason: '', responseStatus: 200, failure: '', abandonedAfterMs: null,
    headers: { 'Content-Type': ['application/json'] }, body: '{}', bodyEncoding: 'utf8', roll: -1,
    response: { status: 200, headers: {}, body: '', delayMs: 0 },
    ...over,
  };
}

describe('toCurl', () => {
  it('builds a command that sends the same method, URL, headers and body', () => {
    const cmd = toCurl('http://127.0.0.1:8080', req({
      path: '/hooks/a',
      query: 'x=1&y=two',
      headers: {
        'Content-Type': ['application/json'],
        'Webhook-Id': ['msg_1'],
        'X-Multi': ['a', 'b'],
        Host: ['127.0.0.1:8080'],
        'Content-Length': ['17'],
        'Accept-Encoding': ['gzip'],
      },
      body: `{"it's": "quoted"}`,
    }));
    expect(cmd).toBe(
      [
        `curl -X 'POST' 'http://127.0.0.1:8080/inbox/orders/hooks/a?x=1&y=two'`,
        `-H 'Content-Type: application/json'`,
        `-H 'Webhook-Id: msg_1'`,
        `-H 'X-Multi: a'`,
        `-H 'X-Multi: b'`,
        `--data-raw '{"it'\\''s": "quoted"}'`,
      ].join(' \\\n  '),
    );
  });

  it('sends a binary body through base64 and says when the body was cut', () => {
    const cmd = toCurl('http://h:1/', req({ method: 'put', body: '/wAB', bodyEncoding: 'base64', truncated: true, headers: {} }));
    expect(cmd).toBe(
      "# The body was cut at what the inbox keeps; this sends only that part.\nprintf %s '/wAB' | base64 -d | curl -X 'PUT' 'http://h:1/inbox/orders' \\\n  --data-binary @-",
    );
  });

  it('leaves out the body for an empty body and uses --head for HEAD', () => {
    expect(toCurl('http://h:1', req({ method: 'GET', body: '', headers: {} }))).toBe(`curl -X 'GET' 'http://h:1/inbox/orders'`);
    expect(toCurl('http://h:1', req({ method: 'HEAD', body: '', headers: {} }))).toBe(`curl --head 'http://h:1/inbox/orders'`);
  });
});

describe('prettyJson', () => {
  it('indents without changing any literal', () => {
    expect(prettyJson('{"test": 2432232314,"big":12345678901234567890,"s":"a,{b}: \\"c\\"","e":[],"o":{ }}')).toBe(
      '{\n  "test": 2432232314,\n  "big": 12345678901234567890,\n  "s": "a,{b}: \\"c\\"",\n  "e": [],\n  "o": {}\n}',
    );
    expect(prettyJson('[1,[2,3]]')).toBe('[\n  1,\n  [\n    2,\n    3\n  ]\n]');
    expect(prettyJson('"just a string"')).toBe('"just a string"');
  });
  it('returns null for anything that is not JSON', () => {
    expect(prettyJson('')).toBeNull();
    expect(prettyJson('a=1&b=2')).toBeNull();
    expect(prettyJson('{"a":')).toBeNull();
  });
});

describe('small helpers', () => {
  it('builds inbox and webhook-form links', () => {
    expect(inboxUrl('http://127.0.0.1:8080/', 'orders')).toBe('http://127.0.0.1:8080/inbox/orders');
    expect(newWebhookHref('http://127.0.0.1:8080/inbox/orders')).toBe('#/webhooks/new?url=http%3A%2F%2F127.0.0.1%3A8080%2Finbox%2Forders');
    expect(requestUrl('http://h', { inbox: 'a', path: '/', query: '' })).toBe('http://h/inbox/a');
  });
  it('quotes for the shell', () => {
    expect(shellQuote(`a'b`)).toBe(`'a'\\''b'`);
  });
  it('labels signatures, sizes and content types', () => {
    expect(signatureLabel('verified')).toBe('Signature verified');
    expect(signatureLabel('stale_timestamp', 'is 6m0s old')).toBe('Timestamp too old');
    expect(signatureLabel('stale_timestamp', '6m0s in the future')).toBe('Timestamp in the future');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1 << 20)).toBe('1.0 MiB');
    expect(formatBytes(-1)).toBe('unknown');
    expect(isJsonType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonType('application/cloudevents+json')).toBe(true);
    expect(isJsonType('text/plain')).toBe(false);
  });
  it('generates secrets the backend accepts', () => {
    const s = generateSecret((b) => b.fill(7));
    expect(s).toBe('whsec_' + btoa('\x07'.repeat(24)));
    expect(generateSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  });
  it('turns header rows into a map, dropping blank names', () => {
    expect(headersFromRows([{ name: ' X-A ', value: '1' }, { name: '', value: 'x' }])).toEqual({ 'X-A': '1' });
  });
});
