// The inbox, end to end: the real `hookline serve`, a real Chromium, and
// requests sent from node the way a webhook sender would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { startHookline } from '../lib/hookline.mjs';
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

/** Standard Webhooks: v1,base64(HMAC-SHA256(key, "{id}.{ts}.{body}")), key = base64 after "whsec_". */
function sign(secret, id, ts, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
}

test('the spec vector signs as published', () => {
  assert.equal(
    sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
    'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  );
});

test('an inbox made in the UI shows signed and unsigned requests live, with detail, cURL and replay', async () => {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(hl.url + '/#/inbox');
    await page.waitForSelector('[data-testid="inbox-empty"]');
    assert.equal((await page.locator('main h1').textContent()).trim(), 'Inbox');

    // Create the inbox with a generated secret.
    await page.click('[data-testid="inbox-empty"] [data-testid="inbox-new"]');
    await page.fill('[data-testid="inbox-form-name"]', 'BAD name');
    await page.click('[data-testid="inbox-form-save"]');
    await page.waitForSelector('[data-testid="inbox-form"] [data-testid="field-error"]');
    assert.match(await page.locator('[data-testid="inbox-form"] [data-testid="field-error"]').first().textContent(), /a-z, 0-9 or -/);
    await page.fill('[data-testid="inbox-form-name"]', 'e2e-orders');
    await page.click('[data-testid="inbox-form-secret-generate"]');
    const secret = await page.inputValue('[data-testid="inbox-form-secret"]');
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    await page.click('[data-testid="inbox-form-save"]');
    await page.waitForSelector('[data-testid="inbox-view"][data-inbox="e2e-orders"]');
    const url = hl.url + '/inbox/e2e-orders';
    assert.equal(await page.locator('[data-testid="inbox-url"]').textContent(), url);
    assert.equal(
      await page.locator('[data-testid="inbox-create-webhook"]').getAttribute('href'),
      '#/webhooks/new?url=' + encodeURIComponent(url),
    );
    await page.waitForSelector('[data-testid="request-empty"]');

    // Send from node while the page stays loaded: the stream must update by itself.
    await page.evaluate(() => (window.__notReloaded = true));
    const ts = Math.floor(Date.now() / 1000);
    const signedBody = '{"order":1,"big":12345678901234567890}';
    let res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'webhook-id': 'msg_e2e_signed',
        'webhook-timestamp': String(ts),
        'webhook-signature': sign(secret, 'msg_e2e_signed', ts, signedBody),
      },
      body: signedBody,
    });
    assert.equal(res.status, 200);
    const signedId = res.headers.get('hookline-request-id');
    await page.waitForSelector(`[data-testid="request-item"][data-request-id="${signedId}"]`);

    res = await fetch(url + '/sub/path?x=1', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Order': 'two' }, body: '{"order":2}' });
    const unsignedId = res.headers.get('hookline-request-id');
    const wrongBody = '{"order":3}';
    res = await fetch(url, {
      method: 'PUT',
      headers: { 'webhook-id': 'msg_e2e_bad', 'webhook-timestamp': String(ts), 'webhook-signature': sign('whsec_' + Buffer.alloc(24, 1).toString('base64'), 'msg_e2e_bad', ts, wrongBody) },
      body: wrongBody,
    });
    const badId = res.headers.get('hookline-request-id');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="request-item"]').length === 3);
    assert.equal(await page.evaluate(() => window.__notReloaded), true, 'the page reloaded');
    const items = await page.locator('[data-testid="request-item"]').evaluateAll((els) =>
      els.map((e) => [e.dataset.requestId, e.dataset.signature]),
    );
    assert.deepEqual(items, [
      [badId, 'bad_signature'],
      [unsignedId, 'missing_headers'],
      [signedId, 'verified'],
    ]);
    assert.equal(await page.locator('[data-inbox="e2e-orders"] [data-testid="inbox-count"]').textContent(), '3');

    // The verified request: badge, reason, pretty JSON with every digit kept.
    await page.click(`[data-testid="request-item"][data-request-id="${signedId}"]`);
    await page.waitForSelector(`[data-testid="request-detail"][data-request-id="${signedId}"] [data-testid="request-body-json"] .cm-content`);
    const detail = page.locator('[data-testid="request-detail"]');
    assert.equal(await detail.locator('[data-testid="signature-badge"]').getAttribute('data-status'), 'verified');
    assert.match(await detail.locator('[data-testid="signature-badge"]').textContent(), /Signature verified/);
    const json = await detail.locator('[data-testid="request-body-json"] .cm-content').innerText();
    assert.match(json, /"big": 12345678901234567890/);
    assert.match(json, /\n\s+"order": 1,/);
    assert.match(await detail.locator('[data-testid="request-headers"]').textContent(), /msg_e2e_signed/);

    // The unsigned one says why it did not verify.
    await page.click(`[data-testid="request-item"][data-request-id="${unsignedId}"]`);
    await page.waitForSelector(`[data-testid="request-detail"][data-request-id="${unsignedId}"] [data-testid="signature-badge"]`);
    assert.equal(await detail.locator('[data-testid="signature-badge"]').getAttribute('data-status'), 'missing_headers');
    assert.equal(
      await detail.locator('[data-testid="signature-reason"]').textContent(),
      'missing header webhook-id, webhook-timestamp, webhook-signature',
    );

    // Copy as cURL: on screen and on the clipboard, the same text.
    await detail.locator('[data-testid="copy-curl"]').click();
    const curl = await detail.locator('[data-testid="curl-text"]').textContent();
    // Node's own headers (User-Agent, Accept…) vary by version, so check the parts we sent.
    assert.ok(curl.startsWith(`curl -X 'POST' '${url}/sub/path?x=1'`), curl);
    assert.ok(curl.includes(`-H 'X-Order: two'`), curl);
    assert.ok(curl.endsWith(`--data-raw '{"order":2}'`), curl);
    assert.ok(!/Host:|Content-Length:/i.test(curl), curl);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), curl);

    // The bad signature names the cause.
    await page.click(`[data-testid="request-item"][data-request-id="${badId}"]`);
    await page.waitForSelector(`[data-testid="request-detail"][data-request-id="${badId}"] [data-testid="signature-badge"][data-status="bad_signature"]`);
    assert.match(await detail.locator('[data-testid="signature-reason"]').textContent(), /secret differs/);

    // Replay it to a receiver of our own.
    const got = [];
    const target = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        got.push({ method: req.method, body, id: req.headers['webhook-id'] });
        res.writeHead(201, { 'X-Target': 'yes' }).end('thanks');
      });
    });
    await new Promise((r) => target.listen(0, '127.0.0.1', r));
    try {
      await detail.locator('[data-testid="replay-open"]').click();
      await page.fill('[data-testid="replay-url"]', `http://127.0.0.1:${target.address().port}/hook`);
      await page.click('[data-testid="replay-send"]');
      await page.waitForSelector('[data-testid="replay-result"][data-status="201"]');
      assert.deepEqual(got, [{ method: 'PUT', body: wrongBody, id: 'msg_e2e_bad' }]);
      assert.match(await page.locator('[data-testid="replay-result"]').textContent(), /thanks/);
      await page.click('[data-testid="replay-close"]');
    } finally {
      target.close();
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the receiver needs no key, the management API does', async () => {
  const res = await fetch(hl.url + '/inbox/e2e-orders/anything', { method: 'DELETE' });
  assert.equal(res.status, 200);
  const api = await fetch(hl.url + '/api/v1/inboxes');
  assert.equal(api.status, 401);
  const missing = await fetch(hl.url + '/inbox/no-such-inbox', { method: 'POST' });
  assert.equal(missing.status, 404);
});
