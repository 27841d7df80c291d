// Webhooks, end to end: a webhook made in the UI, content changed, the log
// going from pending to done live, the detail, redelivery, and the Custom
// button on an unsaved object. A real receiver checks every request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHookline } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { restClient } from '../lib/rest.mjs';
import { startReceiver, verifySignature } from '../lib/receiver.mjs';

let hl, browser, page, rest, rx, webhookId, secret;
const pageErrors = [];

const product = {
  name: 'product',
  label: 'Product',
  schemaDefinition: {
    type: 'object',
    allOf: [
      { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
      { type: 'object', properties: { name: { type: 'string', minLength: 1 }, price: { type: 'number' } } },
    ],
    required: ['name'],
    additionalProperties: false,
  },
  metaDefinition: {
    order: ['name', 'price'],
    propertiesConfig: {
      name: { label: 'Name', inputType: 'text', unique: false, helpText: '', isTitlePart: true },
      price: { label: 'Price', inputType: 'number', unique: false, helpText: '' },
    },
  },
};

before(async () => {
  rx = await startReceiver();
  hl = await startHookline({ args: ['--retry-delays', '1s,1s'] });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  rest = await restClient(hl.url);
  const created = await rest.post('/api/v1/internal/contenttype', product);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await page.goto(hl.url + '/#/webhooks');
  await page.waitForSelector('.shell[data-connected="yes"]');
});
after(async () => {
  await browser?.close();
  await hl?.stop();
  await rx?.close();
});

test('a webhook is defined in the form with every property', async () => {
  await page.click('[data-testid="add-webhook"]');
  await page.fill('[data-testid="wh-name"]', 'Notify receiver');
  // Off-machine URLs get a warning; loopback ones do not.
  await page.fill('[data-testid="wh-url"]', 'https://my-example-app.com/notify');
  await page.waitForSelector('[data-testid="url-warning"]');
  await page.fill('[data-testid="wh-url"]', rx.url + '/notify');
  assert.equal(await page.locator('[data-testid="url-warning"]').count(), 0);
  await page.check('[data-testid="action-Update"]');
  await page.check('[data-testid="action-Custom"]');
  await page.check('[data-testid="type-product"]');
  await page.click('[data-testid="add-header"]');
  await page.fill('[data-testid="header-name"]', 'AUTH');
  await page.fill('[data-testid="header-value"]', 'secret_token');
  await page.click('[data-testid="generate-secret"]');
  secret = await page.inputValue('[data-testid="wh-secret"]');
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
  await page.click('[data-testid="wh-save"]');
  await page.waitForSelector('[data-testid="logs-sidebar"]');
  webhookId = decodeURIComponent(page.url().split('#/webhooks/')[1]);

  const stored = await rest.get('/api/v1/content/_webhooks/' + encodeURIComponent(webhookId));
  assert.equal(stored.status, 200);
  assert.equal(stored.body.name, 'Notify receiver');
  assert.equal(stored.body.type, 'async');
  assert.equal(stored.body.enabled, true);
  assert.equal(stored.body.url, rx.url + '/notify');
  assert.deepEqual(stored.body.actions.map((a) => a.action), ['Create', 'Update', 'Custom']);
  assert.deepEqual(stored.body.content_type_definitions, [{ content_type_definition_name: 'product' }]);
  assert.deepEqual(stored.body.headers, [{ header_name: 'AUTH', header_value: 'secret_token' }]);
});

test('bad input in the form shows beside its field and saves nothing', async () => {
  await page.goto(hl.url + '/#/webhooks/new');
  await page.fill('[data-testid="wh-name"]', 'Broken');
  await page.fill('[data-testid="wh-url"]', 'ftp://example.com/x');
  await page.click('[data-testid="add-header"]');
  await page.fill('[data-testid="header-name"]', 'Content-Type');
  await page.fill('[data-testid="header-value"]', 'text/plain');
  await page.click('[data-testid="wh-save"]');
  await page.waitForSelector('[data-testid="field-error"]');
  const errors = await page.locator('[data-testid="field-error"]').allInnerTexts();
  assert.ok(errors.some((e) => /http/i.test(e)), errors.join(' | '));
  assert.ok(errors.some((e) => /Content-Type/i.test(e)), errors.join(' | '));
  const list = await rest.get('/api/v1/content/_webhooks');
  assert.equal(list.body.total_count, 1);
  // The form is unsaved: leaving it asks first.
  await page.evaluate(() => (location.hash = '#/webhooks'));
  await page.waitForSelector('[data-testid="confirm-dialog"][open]');
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForSelector('[data-testid="webhook-table"]');
});

test('a content change shows as pending, then done, without a reload', async () => {
  await page.goto(hl.url + '/#/webhooks/' + encodeURIComponent(webhookId));
  await page.waitForSelector('[data-testid="logs-sidebar"]');
  rx.setDelay(1500); // long enough to see "pending" on screen
  const created = await rest.post('/api/v1/content/product', { id: 'product-399121', name: 'Premium pack', price: 500 });
  assert.equal(created.status, 200);
  await page.waitForSelector('[data-testid="log-row"][data-status="pending"]', { timeout: 5000 });
  await page.waitForSelector('[data-testid="log-row"][data-status="done"]', { timeout: 10000 });
  rx.setDelay(0);

  const req = await rx.waitFor((r) => r.url === '/notify');
  assert.equal(req.method, 'POST');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.match(req.headers['user-agent'], /^Hookline\//);
  assert.equal(req.headers['auth'], 'secret_token');
  assert.match(req.headers['webhook-id'], /\S+/);
  assert.ok(verifySignature(secret, req.headers, req.body), 'signature verifies');
  const body = JSON.parse(req.body);
  assert.deepEqual(Object.keys(body), ['webhookId', 'action', 'contentTypeName', 'ref', 'payload']);
  assert.equal(body.webhookId, webhookId);
  assert.equal(body.action, 'Create');
  assert.equal(body.contentTypeName, 'product');
  assert.equal(body.ref, '/api/v1/content/product/product-399121/version/1');
  assert.equal(body.payload.id, 'product-399121');
  assert.equal(body.payload.name, 'Premium pack');
  assert.equal(body.payload.price, 500);
  assert.equal(body.payload.internal.contentType, 'product');
  assert.equal(body.payload.internal.objectTitle, 'Premium pack');
  assert.equal(body.payload.internal.deletedAt, '');
  assert.match(body.payload.internal.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
});

test('the log detail shows request, response and attempts; redeliver keeps the webhook-id', async () => {
  await page.click('[data-testid="log-row"][data-status="done"]');
  const dialog = page.locator('[data-testid="log-detail"]');
  await dialog.waitFor();
  await dialog.locator('[data-testid="attempt-row"]').first().waitFor();
  assert.match(await dialog.locator('[data-testid="request-body"]').innerText(), /"webhookId"/);
  assert.match(await dialog.locator('[data-testid="response-body"]').innerText(), /Hook received!/);
  const messageId = await dialog.locator('[data-testid="message-id"]').innerText();
  assert.doesNotMatch(await dialog.innerText(), new RegExp(secret.replace(/[+/]/g, '\\$&')));

  await dialog.locator('[data-testid="copy-curl"]').click();
  const curl = await dialog.locator('[data-testid="curl-text"]').innerText();
  assert.match(curl, /^curl -X 'POST' 'http:\/\/127\.0\.0\.1:\d+\/notify'/);
  assert.match(curl, /-H 'webhook-id: /i);

  const before = rx.requests.length;
  await dialog.locator('[data-testid="redeliver"]').click();
  await dialog.locator('[data-testid="detail-note"]').waitFor();
  const again = await rx.waitFor((r, i) => rx.requests.indexOf(r) >= before);
  assert.equal(again.headers['webhook-id'], messageId);
  await page.keyboard.press('Escape');
  // The redelivery shows up in the sidebar as its own execution.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-row"][data-status="done"]').length >= 2, null, { timeout: 10000 });
});

test('a failing receiver is retried and the log ends done', async () => {
  rx.failNext(1);
  const before = rx.requests.length;
  const res = await rest.put('/api/v1/content/product/product-399121', { name: 'Premium pack v2', price: 550 });
  assert.equal(res.status, 200);
  await rx.waitFor((r) => rx.requests.indexOf(r) >= before + 1, 15000);
  const logs = async () => (await rest.get(`/api/v1/webhooks/${encodeURIComponent(webhookId)}/logs?limit=50`)).body.data;
  let update;
  for (let i = 0; i < 100; i++) {
    update = (await logs()).find((l) => l.action === 'Update');
    if (update?.status === 'done') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(update.status, 'done');
  assert.equal(update.attempts, 2);
  const sent = rx.requests.slice(before);
  assert.equal(sent.length, 2);
  assert.equal(sent[0].headers['webhook-id'], sent[1].headers['webhook-id']);
  assert.equal(JSON.parse(sent[1].body).ref, '/api/v1/content/product/product-399121/version/2');
});

test('Custom on an unsaved object saves it first, then sends a Custom delivery', async () => {
  await page.goto(hl.url + '/#/content/product/new');
  await page.waitForSelector('[data-testid="object-form"]');
  await page.locator('[data-testid="field-name"] input').fill('Custom pack');
  const button = page.locator('[data-testid="custom-action"]');
  await button.waitFor();
  assert.equal(await button.innerText(), 'Notify receiver');
  await button.click();
  const req = await rx.waitFor((r) => JSON.parse(r.body).action === 'Custom');
  const body = JSON.parse(req.body);
  assert.equal(body.payload.name, 'Custom pack');
  assert.equal(body.contentTypeName, 'product');
  assert.match(body.ref, new RegExp(`^/api/v1/content/product/${body.payload.id}/version/1$`));
  const saved = await rest.get('/api/v1/content/product/' + encodeURIComponent(body.payload.id));
  assert.equal(saved.status, 200);
  assert.equal(saved.body.name, 'Custom pack');
  await page.waitForSelector('[data-testid="custom-status"] [data-status="done"]', { timeout: 10000 });
});

test('Custom stops at a validation error and sends nothing', async () => {
  await page.goto(hl.url + '/#/content/product/new');
  await page.waitForSelector('[data-testid="object-form"]');
  const before = rx.requests.length;
  await page.locator('[data-testid="custom-action"]').click();
  await page.locator('[data-testid="field-name"] [data-testid="field-error"]').waitFor();
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(rx.requests.length, before);
});

test('Custom is not possible through the REST API', async () => {
  const withKey = await fetch(hl.url + '/api/ui/custom', {
    method: 'POST',
    headers: { 'X-AUTH-TOKEN': rest.key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ webhookId, contentType: 'product', objectId: 'product-399121' }),
  });
  assert.equal(withKey.status, 403);
  const asAction = await rest.post('/api/v1/content/product', { name: 'x', action: 'Custom' });
  assert.equal(asAction.status, 400);
});

test('the list shows the webhook with its last status, and the toggle disables it', async () => {
  await page.goto(hl.url + '/#/webhooks');
  const row = page.locator(`[data-testid="webhook-row"][data-id="${webhookId}"]`);
  await row.waitFor();
  await row.locator('[data-testid="last-status"] [data-status="done"]').waitFor();
  await row.locator('[data-testid="enabled-toggle"]').uncheck();
  await page.waitForFunction(async (id) => true, webhookId);
  for (let i = 0; i < 50; i++) {
    const w = await rest.get('/api/v1/content/_webhooks/' + encodeURIComponent(webhookId));
    if (w.body.enabled === false) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await rest.get('/api/v1/content/_webhooks/' + encodeURIComponent(webhookId))).body.enabled, false);
  const before = rx.requests.length;
  await rest.post('/api/v1/content/product', { name: 'Quiet' });
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(rx.requests.length, before, 'a disabled webhook gets no new deliveries');
  assert.deepEqual(pageErrors, []);
});
