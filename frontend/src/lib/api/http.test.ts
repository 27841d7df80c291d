import { describe, expect, it } from 'vitest';
import { HttpTransport } from './http';
import { ApiError } from './errors';

function fakeFetch(status: number, body: string, seen: { url?: string; init?: RequestInit }) {
  return (async (url: string, init: RequestInit) => {
    seen.url = url;
    seen.init = init;
    return new Response(status === 204 ? null : body, { status });
  }) as unknown as typeof fetch;
}

describe('HttpTransport', () => {
  it('sends the session token and JSON body', async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const t = new HttpTransport('tok123', 'http://127.0.0.1:1', fakeFetch(200, '{"ok":true}', seen));
    const out = await t.request<{ ok: boolean }>('POST', '/api/x', { a: 1 });
    expect(out.ok).toBe(true);
    expect(seen.url).toBe('http://127.0.0.1:1/api/x');
    const h = seen.init!.headers as Record<string, string>;
    expect(h['X-Hookline-Session']).toBe('tok123');
    expect(h['Content-Type']).toBe('application/json');
    expect(h['X-MODE']).toBe('preview'); // the editor sees drafts
    expect(seen.init!.body).toBe('{"a":1}');
  });
  it('turns error answers into ApiError with fields', async () => {
    const t = new HttpTransport('t', '', fakeFetch(400, '{"name":["required"]}', {}));
    await expect(t.request('POST', '/api/x', {})).rejects.toMatchObject({ status: 400, fields: { name: ['required'] } });
  });
  it('returns undefined for 204', async () => {
    const t = new HttpTransport('t', '', fakeFetch(204, '', {}));
    expect(await t.request('DELETE', '/api/x')).toBeUndefined();
  });
  it('rejects with ApiError on 500 plain text', async () => {
    const t = new HttpTransport('t', '', fakeFetch(500, 'boom', {}));
    await expect(t.request('GET', '/api/x')).rejects.toBeInstanceOf(ApiError);
  });
});
