// The foundation, end to end: the real `hookline serve`, a real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHookline, binary } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';

let hl, browser;
before(async () => {
  hl = await startHookline();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await hl?.stop();
});

test('health answers without a key', async () => {
  const res = await fetch(hl.url + '/api/health');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('the app shell renders every screen with an empty state', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(hl.url + '/');
  await page.waitForSelector('.shell[data-connected="yes"]');
  const nav = await page.locator('nav[aria-label="Main"] li a').allTextContents();
  assert.deepEqual(nav, ['Content', 'Type definitions', 'Media', 'Webhooks', 'Deliveries', 'Inbox', 'Settings']);
  for (const label of ['Type definitions', 'Media', 'Webhooks', 'Deliveries', 'Inbox']) {
    await page.click(`nav >> text=${label}`);
    await page.waitForSelector('main h1');
    assert.equal((await page.locator('main h1').textContent()).trim(), label);
  }
  await page.click('nav >> text=Settings');
  const apiUrl = await page.locator('[data-testid="api-url"]').textContent();
  assert.equal(apiUrl, hl.url);
  const rw = await page.locator('[data-testid="key-rw"]').textContent();
  assert.match(rw, /^[0-9a-f]{48}$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the UI keeps working after a reload on a deep link', async () => {
  const page = await browser.newPage();
  await page.goto(hl.url + '/#/settings');
  await page.waitForSelector('[data-testid="api-url"]');
  assert.equal(await page.locator('main h1').textContent(), 'Settings');
  await page.close();
});

test('delivery settings are validated, stored, and apply after a restart', async () => {
  const page = await browser.newPage();
  await page.goto(hl.url + '/#/settings');
  const form = page.locator('[data-testid="delivery-settings"]');
  await form.waitFor();
  // Durations read as words, and the inputs show the running values.
  assert.match(await page.locator('main').innerText(), /Running now: 8 workers, 10 s per attempt, retries after 10 s, 1 min, 5 min, 30 min, 2 h/);
  assert.equal(await page.getAttribute('[data-testid="set-workers"]', 'placeholder'), '8');
  await page.fill('[data-testid="set-workers"]', '999');
  await page.fill('[data-testid="set-delays"]', '1s, soon');
  await page.click('[data-testid="set-save"]');
  await form.locator('[data-testid="field-error"]').first().waitFor();
  const errors = await form.locator('[data-testid="field-error"]').allInnerTexts();
  assert.ok(errors.some((e) => /between 1 and 256/.test(e)), errors.join('|'));
  assert.ok(errors.some((e) => /"soon"/.test(e)), errors.join('|'));
  assert.equal(await page.locator('[data-testid="restart-needed"]').count(), 0);
  await page.fill('[data-testid="set-workers"]', '4');
  await page.fill('[data-testid="set-delays"]', '1s, 5s');
  await page.click('[data-testid="set-save"]');
  await page.locator('[data-testid="restart-needed"]').waitFor();
  await page.close();
});

test('a foreign web page cannot read the API', async () => {
  // Another origin on the same machine: a page served from another port.
  const foreign = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end('<!doctype html><title>foreign</title>');
  });
  await new Promise((r) => foreign.listen(0, '127.0.0.1', r));
  const page = await browser.newPage();
  try {
    await page.goto(`http://127.0.0.1:${foreign.address().port}/`);
    const outcome = await page.evaluate(async (target) => {
      const results = {};
      for (const path of ['/', '/api/ui/info', '/api/ui/keys']) {
        try {
          const r = await fetch(target + path);
          results[path] = 'read:' + r.status;
        } catch (e) {
          results[path] = 'blocked';
        }
      }
      return results;
    }, hl.url);
    // The page may not read the UI (which carries the session token) nor any API answer.
    assert.deepEqual(outcome, { '/': 'blocked', '/api/ui/info': 'blocked', '/api/ui/keys': 'blocked' });
  } finally {
    await page.close();
    foreign.close();
  }
});

test('requests with a foreign Origin or Host are refused', async () => {
  const evilOrigin = await fetch(hl.url + '/api/health', { headers: { Origin: 'http://evil.example' } });
  assert.equal(evilOrigin.status, 403);
  const port = new URL(hl.url).port;
  // DNS rebinding: the attacker's name resolves to 127.0.0.1, so the Host is theirs.
  const { status, body } = await rawGet(port, '/', 'rebind.attacker.example:' + port);
  assert.equal(status, 403);
  assert.doesNotMatch(body, /hookline-session/);
  const noKey = await fetch(hl.url + '/api/ui/info');
  assert.equal(noKey.status, 401);
  assert.deepEqual(Object.keys(await noKey.json()).sort(), ['code', 'message']);
  const acao = (await fetch(hl.url + '/api/health')).headers.get('access-control-allow-origin');
  assert.equal(acao, null);
});

test('bad command lines and bad folders give clear errors', () => {
  const unknown = spawnSync(binary, ['frobnicate'], { encoding: 'utf8' });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  assert.match(unknown.stderr, /Usage:/);
  const badFlag = spawnSync(binary, ['serve', '--bogus'], { encoding: 'utf8' });
  assert.equal(badFlag.status, 2);
  assert.match(badFlag.stderr, /Usage:/);
  const remote = spawnSync(binary, ['serve', '--addr', '0.0.0.0:0'], { encoding: 'utf8' });
  assert.equal(remote.status, 2);
  assert.match(remote.stderr, /not a loopback address/);
  const remoteNoKey = spawnSync(binary, ['serve', '--addr', '0.0.0.0:0', '--allow-remote'], {
    encoding: 'utf8',
    env: { ...process.env, HOOKLINE_API_KEY: '' },
  });
  assert.equal(remoteNoKey.status, 2);
  assert.match(remoteNoKey.stderr, /HOOKLINE_API_KEY/);
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bad-'));
  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, 'not a folder');
  const badData = spawnSync(binary, ['serve', '--addr', '127.0.0.1:0', '--data', join(blocker, 'data')], { encoding: 'utf8' });
  assert.equal(badData.status, 1);
  assert.ok(badData.stderr.includes(join(blocker, 'data')), badData.stderr);
  const notDb = mkdtempSync(join(tmpdir(), 'hookline-notdb-'));
  writeFileSync(join(notDb, 'hookline.db'), 'my notes');
  const refused = spawnSync(binary, ['serve', '--addr', '127.0.0.1:0', '--data', notDb], { encoding: 'utf8' });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /not a SQLite database/);
});

test('a port already in use gives a clear error', () => {
  const port = new URL(hl.url).port;
  const r = spawnSync(binary, ['serve', '--addr', `127.0.0.1:${port}`, '--data', mkdtempSync(join(tmpdir(), 'hl-'))], {
    encoding: 'utf8',
    timeout: 10000,
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already in use/);
});

test('SIGTERM shuts down within 5 seconds, even with a live event stream', async () => {
  const other = await startHookline();
  const html = await (await fetch(other.url + '/')).text();
  const session = html.match(/name="hookline-session" content="([0-9a-f]+)"/)[1];
  const ctrl = new AbortController();
  const stream = await fetch(other.url + '/api/ui/events?session=' + session, { signal: ctrl.signal });
  assert.equal(stream.status, 200);
  const t0 = Date.now();
  const code = await other.stop('SIGTERM');
  const took = Date.now() - t0;
  ctrl.abort();
  assert.equal(code, 0);
  assert.ok(took < 5000, `took ${took} ms`);
});

function rawGet(port, path, host) {
  return new Promise((resolve, reject) => {
    import('node:http').then(({ request }) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', reject);
      req.end();
    });
  });
}
