// Deliveries, end to end: the retrying state with its live countdown, the
// Deliveries screen's filters and search, bulk retry with a count and a
// confirmation (keeping each webhook-id), and Send test with its header and
// log mark. Real receivers check every request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startHookline } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { restClient } from '../lib/rest.mjs';
import { startReceiver } from '../lib/receiver.mjs';

let hl, browser, page, rest, flaky, fine, gone, goneHits;
const hooks = {};
const pageErrors = [];

const product = {
  name: 'product',
  label: 'Product',
  schemaDefinition: {
    type: 'object',
    allOf: [
      { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
      { type: 'object', properties: { name: { type: 'string', minLength: 1 } } },
    ],
    required: ['name'],
    additionalProperties: false,
  },
  metaDefinition: { order: ['name'], propertiesConfig: { name: { label: 'Name', inputType: 'text', unique: false, helpText: '', isTitlePart: true } } },
};

async function webhook(name, url, actions, enabled = true) {
  const res = await rest.post('/api/v1/content/_webhooks', {
    name, url, enabled, type: 'async', actions: actions.map((action) => ({ action })), content_type_definitions: [], headers: [],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.id;
}

async function until(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  flaky = await startReceiver();
  flaky.failNext(1000); // 500 every time
  fine = await startReceiver();
  goneHits = [];
  gone = createServer((req, res) => {
    goneHits.push(req.headers);
    req.resume();
    res.writeHead(410, { 'Content-Type': 'text/plain' });
    res.end('moved away');
  });
  await new Promise((r) => gone.listen(0, '127.0.0.1', r));
  hl = await startHookline({ args: ['--retry-delays', '1m,1m'] });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  rest = await restClient(hl.url);
  assert.equal((await rest.post('/api/v1/internal/contenttype', product)).status, 200);
  hooks.flaky = await webhook('Flaky receiver', flaky.url + '/hook', ['Create']);
  hooks.gone = await webhook('Gone receiver', `http://127.0.0.1:${gone.address().port}/hook`, ['Create', 'Update']);
  hooks.fine = await webhook('Fine receiver', fine.url + '/hook', ['Create'], false);
  await rest.post('/api/v1/content/product', { id: 'product-1', name: 'First' });
  await rest.post('/api/v1/content/product', { id: 'product-2', name: 'Second' });
});
after(async () => {
  await browser?.close();
  await hl?.stop();
  await flaky?.close();
  await fine?.close();
  await new Promise((r) => gone?.close(r));
});

test('a failed delivery that will retry reads "HTTP 500 · retrying in N s · attempt 2 of 3" and counts down live', async () => {
  await page.goto(hl.url + '/#/webhooks/' + encodeURIComponent(hooks.flaky));
  const row = page.locator('[data-testid="log-row"]').filter({ has: page.locator('[data-state="retrying"]') }).first();
  await row.waitFor({ timeout: 10000 });
  const detail = row.locator('[data-testid="delivery-detail"]');
  // The schedule's 1 min is jittered ±20%: "48 s", "1 min 10 s", or "1 min"
  // on the whole minute.
  const left = (text) => {
    const m = text.match(/^HTTP 500 · retrying in (?:(\d+) min(?: (\d+) s)?|(\d+) s) · attempt 2 of 3$/);
    return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? m[3] ?? 0) : null;
  };
  const first = await detail.innerText();
  assert.ok(left(first) !== null, first);
  await new Promise((r) => setTimeout(r, 2500));
  const later = await detail.innerText();
  assert.ok(left(later) !== null && left(later) < left(first), `${first} → ${later}`);
});

test('the Deliveries screen lists every webhook newest first, and filters and searches', async () => {
  await page.goto(hl.url + '/#/deliveries');
  const rows = page.locator('[data-testid="delivery-row"]');
  await until('4 deliveries', async () => (await rows.count()) === 4);
  assert.match(await rows.first().innerText(), /product-2/);
  // Retrying and error each have their own colour and icon.
  const look = (state) =>
    page.locator(`[data-testid="delivery-row"] [data-state="${state}"] .badge`).first().evaluate((el) => [getComputedStyle(el).color, el.textContent.trim()]);
  const [retrying, failed] = [await look('retrying'), await look('error')];
  assert.notEqual(retrying[0], failed[0]);
  assert.match(retrying[1], /^↻ retrying$/);
  assert.match(failed[1], /^✕ error$/);

  await page.selectOption('[data-testid="f-status"]', 'error');
  await until('2 error rows', async () => (await rows.count()) === 2 && (await page.locator('[data-testid="delivery-row"][data-status="error"]').count()) === 2);
  assert.match(await rows.first().innerText(), /Gone receiver/);

  await page.fill('[data-testid="f-search"]', 'product-1');
  await until('1 row for product-1', async () => (await rows.count()) === 1);
  assert.match(await rows.first().innerText(), /product\/product-1/);
  await page.fill('[data-testid="f-search"]', '');

  await page.selectOption('[data-testid="f-status"]', 'retrying');
  await until('2 retrying rows', async () => (await rows.count()) === 2);
  await page.selectOption('[data-testid="f-webhook"]', hooks.flaky);
  await page.fill('[data-testid="f-code"]', '500');
  await until('2 rows of the flaky webhook with 500', async () => (await rows.count()) === 2);
  await page.fill('[data-testid="f-code"]', '404');
  await until('no rows with 404', async () => (await page.locator('[data-testid="delivery-row"]').count()) === 0);
  await page.click('[data-testid="f-clear"]');
  await until('all 4 again', async () => (await rows.count()) === 4);
});

test('bulk retry counts, asks, and redelivers each failed delivery with its webhook-id', async () => {
  await page.selectOption('[data-testid="f-webhook"]', hooks.gone);
  const before = goneHits.length;
  await page.click('[data-testid="retry-failed"]');
  const dialog = page.locator('[data-testid="confirm-dialog"][open]');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Send 2 failed deliveries again\?/);
  await dialog.locator('[data-testid="confirm-ok"]').click();
  await until('2 redeliveries sent', async () => goneHits.length >= before + 2);
  const sentIds = goneHits.slice(before).map((h) => h['webhook-id']).sort();
  const originals = goneHits.slice(0, before).map((h) => h['webhook-id']).sort();
  assert.deepEqual(sentIds, originals);
  // The redeliveries are marked in the list and link to their originals.
  const redelivered = page.locator('[data-testid="delivery-row"] [data-testid="redelivery-tag"]');
  await until('redelivery tags', async () => (await redelivered.count()) === 2);
  await page.locator('[data-testid="delivery-row"]').first().click();
  const detail = page.locator('[data-testid="log-detail"]');
  await detail.locator('[data-testid="original-link"]').click();
  await detail.locator('[data-testid="log-back"]').waitFor();
  assert.match(await detail.locator('[data-testid="response-body"]').innerText(), /moved away/);
  await page.keyboard.press('Escape');
  const logs = await rest.get('/api/v1/webhooks/logs?webhookId=' + encodeURIComponent(hooks.gone) + '&limit=10');
  assert.equal(logs.body.total_count, 4);
  assert.equal(logs.body.data.filter((l) => l.redeliveryOf).length, 2);
});

test('Send test queues a delivery marked as a test, with webhook-test: 1', async () => {
  await page.goto(hl.url + '/#/webhooks/' + encodeURIComponent(hooks.fine));
  await page.click('[data-testid="wh-send-test"]');
  const dialog = page.locator('[data-testid="send-test-dialog"]');
  await dialog.waitFor();
  await until('objects listed', async () => (await dialog.locator('[data-testid="test-object"] option').count()) === 2);
  await dialog.locator('[data-testid="test-object"]').selectOption('product-1');
  await dialog.locator('[data-testid="test-action"]').selectOption('Delete');
  await dialog.locator('[data-testid="test-send"]').click();
  const req = await fine.waitFor((r) => r.url === '/hook');
  assert.equal(req.headers['webhook-test'], '1');
  const body = JSON.parse(req.body);
  assert.equal(body.action, 'Delete');
  assert.deepEqual(body.payload, { id: 'product-1' });
  await page.locator('[data-testid="log-row"] [data-testid="test-tag"]').waitFor();
  await page.locator('[data-testid="log-row"][data-status="done"]').waitFor();
  const done = await page.locator('[data-testid="log-row"] [data-state="done"] .badge').first().evaluate((el) => el.textContent.trim());
  assert.match(done, /^✓ done$/);
  // Nothing changed in the content.
  assert.equal((await rest.get('/api/v1/content/product/product-1')).status, 200);
  assert.deepEqual(pageErrors, []);
});
