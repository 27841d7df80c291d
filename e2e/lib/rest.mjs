// A small client for the Flotiq REST API of a running Hookline, for checking
// server state from end-to-end tests. It reads the read-write key the way a
// person would find it: through the UI's own session, from /api/ui/keys.

/** @param {string} url the server's base URL */
export async function restClient(url) {
  const html = await (await fetch(url + '/')).text();
  const session = html.match(/name="hookline-session" content="([0-9a-f]+)"/)?.[1];
  if (!session) throw new Error('no session token in the page');
  const keys = await (await fetch(url + '/api/ui/keys', { headers: { 'X-Hookline-Session': session } })).json();
  const key = keys.readWrite;

  async function call(method, path, body) {
    const headers = { 'X-AUTH-TOKEN': key };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep the text */
    }
    return { status: res.status, body: parsed };
  }

  /** POST /api/media: one file as Flotiq's multipart upload. */
  async function upload(name, bytes, mimeType = 'image/png') {
    const form = new FormData();
    form.append('type', mimeType.startsWith('image/') ? 'image' : 'file');
    form.append('file', new Blob([bytes], { type: mimeType }), name);
    const res = await fetch(url + '/api/media', { method: 'POST', headers: { 'X-AUTH-TOKEN': key }, body: form });
    const text = await res.text();
    return { status: res.status, body: res.ok ? JSON.parse(text) : text };
  }

  return {
    key,
    upload,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    del: (path) => call('DELETE', path),
  };
}
