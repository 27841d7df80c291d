// The first run and the inbox together: Load demo, watch its deliveries end
// done, edit a product and see the request arrive in the inbox, make the
// inbox fail on purpose and watch the retries, and check signatures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHookline } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { restClient } from '../lib/rest.mjs';

let hl, browser, page, rest, webhookId;
const pageErrors = [];

before(async () => {
  hl = await startHookline({ args: ['--retry-delays', '1s,1s,1s'] });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  rest = await restClient(hl.url);
  await page.goto(hl.url + '/#/content');
  await page.waitForSelector('.shell[data-connected="yes"]');
});
after(async () => {
  await browser?.close();
  await hl?.stop();
});

async function until(fn, what, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const logsOf = async () => (await rest.get(`/api/v1/webhooks/${encodeURIComponent(webhookId)}/logs?limit=100`)).body.data;
const requestsOf = async () => (await rest.get('/api/v1/inboxes/demo/requests?limit=100')).body;

test('an empty app offers the demo; its deliveries go from pending to done on screen', async () => {
  await page.click('[data-testid="load-demo"]');
  await page.waitForSelector('[data-testid="logs-sidebar"]');
  webhookId = decodeURIComponent(page.url().split('#/webhooks/')[1]);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-row"][data-status="done"]').length === 5, null, { timeout: 30000 });
  const types = (await rest.get('/api/v1/internal/contenttype?internal=0')).body.data.map((t) => t.name).sort();
  assert.deepEqual(types, ['blogpost', 'product']);
  assert.equal((await requestsOf()).total_count, 5);
});

test('the demo never overwrites: a second load is refused', async () => {
  const html = await (await fetch(hl.url + '/')).text();
  const session = html.match(/name="hookline-session" content="([0-9a-f]+)"/)[1];
  const res = await fetch(hl.url + '/api/ui/demo', { method: 'POST', headers: { 'X-Hookline-Session': session } });
  assert.equal(res.status, 409);
  assert.match((await res.json()).message, /never overwrites/);
  assert.equal((await requestsOf()).total_count, 5);
});

test('editing a product in the editor sends a request the inbox shows live, and the log ends done', async () => {
  await page.goto(hl.url + '/#/inbox/demo');
  await page.waitForSelector('[data-testid="inbox-view"][data-inbox="demo"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="request-item"]').length === 5);
  await page.evaluate(() => (window.__notReloaded = true));

  const editor = await browser.newPage();
  await editor.goto(hl.url + '/#/content/product/product-399121');
  await editor.waitForSelector('[data-testid="object-form"]');
  await editor.locator('[data-testid="field-name"] input').fill('Premium pack, edited');
  await editor.click('[data-testid="object-save"]');
  await editor.waitForFunction(() => document.querySelector('[data-testid="object-title"]')?.textContent === 'Premium pack, edited');
  await editor.close();

  await page.waitForFunction(() => document.querySelectorAll('[data-testid="request-item"]').length === 6, null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__notReloaded), true);
  const newest = (await requestsOf()).data[0];
  const detail = (await rest.get(`/api/v1/inboxes/demo/requests/${newest.id}`)).body;
  const body = JSON.parse(detail.body);
  assert.equal(body.action, 'Update');
  assert.equal(body.payload.name, 'Premium pack, edited');
  assert.equal(body.ref, '/api/v1/content/product/product-399121/version/2');
  const update = await until(async () => (await logsOf()).find((l) => l.action === 'Update' && l.status === 'done'), 'the Update log to end done');
  assert.equal(update.attempts, 1);
});

test('an inbox told to fail the first 2 requests makes the log retry, then end done', async () => {
  const inbox = (await rest.get('/api/v1/inboxes/demo')).body;
  const put = await rest.put('/api/v1/inboxes/demo', { ...inbox, failFirst: 2, failStatus: 500 });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const res = await rest.put('/api/v1/content/product/product-399121', { name: 'Premium pack, third', price: 510 });
  assert.equal(res.status, 200);
  const log = await until(async () => (await logsOf()).find((l) => l.action === 'Update' && l.objectId === 'product-399121' && l.attempts >= 3 && l.status === 'done'), 'three attempts ending done', 20000);
  const d = (await rest.get(`/api/v1/webhooks/${encodeURIComponent(webhookId)}/logs/${log.id}`)).body;
  assert.deepEqual(d.history.map((a) => a.outcome), ['retry', 'retry', 'done']);
  assert.deepEqual(d.history.map((a) => a.response?.status), [500, 500, 200]);
  // The inbox saw the same message three times.
  const reqs = (await requestsOf()).data.slice(0, 3);
  const ids = await Promise.all(reqs.map(async (r) => (await rest.get(`/api/v1/inboxes/demo/requests/${r.id}`)).body.headers['Webhook-Id'][0]));
  assert.equal(new Set(ids).size, 1);
  // On screen, the log row ends done too.
  await page.goto(hl.url + '/#/webhooks/' + encodeURIComponent(webhookId));
  await page.waitForSelector(`[data-testid="log-row"][data-log-id="${log.id}"][data-status="done"]`);
});

test('a signature that verifies, and one that does not', async () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const hook = (await rest.get('/api/v1/content/_webhooks/' + encodeURIComponent(webhookId))).body;
  delete hook.internal;
  assert.equal((await rest.put('/api/v1/content/_webhooks/' + encodeURIComponent(webhookId), { ...hook, signing_secret: secret })).status, 200);
  const inbox = (await rest.get('/api/v1/inboxes/demo')).body;
  assert.equal((await rest.put('/api/v1/inboxes/demo', { ...inbox, failFirst: 0, secret })).status, 200);

  await rest.post('/api/v1/content/blogpost', { title: 'Signed post' });
  const good = await until(async () => (await requestsOf()).data.find((r) => r.signature !== 'unchecked' && r.n >= 1), 'a checked request');
  assert.equal(good.signature, 'verified', good.signatureReason);

  const other = 'whsec_' + Buffer.alloc(24, 7).toString('base64');
  assert.equal((await rest.put('/api/v1/inboxes/demo', { ...inbox, failFirst: 0, secret: other })).status, 200);
  await rest.post('/api/v1/content/blogpost', { title: 'Badly signed post' });
  const bad = await until(async () => (await requestsOf()).data.find((r) => r.signature === 'bad_signature'), 'a bad signature');
  assert.match(bad.signatureReason, /\S/);

  await page.goto(hl.url + '/#/inbox/demo');
  await page.click(`[data-testid="request-item"][data-request-id="${bad.id}"]`);
  const badge = page.locator('[data-testid="request-detail"] [data-testid="signature-badge"]');
  await badge.waitFor();
  assert.equal(await badge.getAttribute('data-status'), 'bad_signature');
  assert.deepEqual(pageErrors, []);
});
