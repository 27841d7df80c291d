// Synchronous webhooks in the real UI: a receiver that rejects a save shows
// its message beside the field; a code webhook's Try it runs against a saved
// object without saving; an inbox modifies what the editor saves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { startHookline } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { restClient } from '../lib/rest.mjs';

let hl, browser, page, rest, receiver, receiverUrl;
const pageErrors = [];
const shots = process.env.HOOKLINE_SHOTS ?? '';

// A Flotiq sync receiver: refuses titles containing "bad" with a field
// error, accepts everything else unchanged.
function startRejecter() {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const r = JSON.parse(body);
      const echo = { type: 'response', subject: r.subject, event: r.event, sequenceNumber: r.sequenceNumber, response: {}, payload: r.payload };
      res.setHeader('Content-Type', 'application/json');
      if (String(r.payload.title ?? '').includes('bad')) {
        res.statusCode = 400;
        echo.response = { errors: { title: ['Titles may not say bad'] } };
      }
      res.end(JSON.stringify(echo));
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

const productType = {
  name: 'product',
  label: 'Product',
  schemaDefinition: {
    type: 'object',
    additionalProperties: false,
    required: ['title'],
    allOf: [
      { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
      { type: 'object', properties: { title: { type: 'string', minLength: 1 }, slug: { type: 'string' }, edit_counter: { type: 'number' } } },
    ],
  },
  metaDefinition: {
    order: ['title', 'slug', 'edit_counter'],
    propertiesConfig: {
      title: { label: 'Title', inputType: 'text', unique: false, isTitlePart: true },
      slug: { label: 'Slug', inputType: 'text', unique: false },
      edit_counter: { label: 'Edits', inputType: 'number', unique: false },
    },
  },
};

before(async () => {
  receiver = await startRejecter();
  receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;
  hl = await startHookline();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  rest = await restClient(hl.url);
  assert.equal((await rest.post('/api/v1/internal/contenttype', productType)).status, 200);
  await page.goto(hl.url + '/#/content');
  await page.waitForSelector('.shell[data-connected="yes"]');
  if (shots) mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await hl?.stop();
  await new Promise((r) => receiver?.close(r));
});

async function shoot(name) {
  if (!shots) return;
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [880, 1600]) {
      await page.setViewportSize({ width, height: 1000 });
      await page.screenshot({ path: `${shots}/${name}-${width}-${scheme}.png`, fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('a sync webhook that rejects a save shows its message beside the field, and nothing is saved', async () => {
  const hook = await rest.post('/api/v1/content/_webhooks', {
    name: 'No bad titles', type: 'sync', executionMode: 'url', url: receiverUrl, enabled: true,
    actions: [{ action: 'Create' }, { action: 'Update' }], content_type_definitions: [{ content_type_definition_name: 'product' }],
  });
  assert.equal(hook.status, 200, JSON.stringify(hook.body));

  await page.goto(hl.url + '/#/content/product/new');
  await page.waitForSelector('[data-testid="object-form"]');
  await page.locator('[data-testid="field-title"] input').fill('a bad title');
  await page.click('[data-testid="object-save"]');
  const msg = page.locator('[data-testid="field-title"] [data-testid="field-error"]');
  await msg.waitFor({ timeout: 10000 });
  assert.equal((await msg.textContent()).trim(), 'Titles may not say bad');
  await shoot('sync-reject');
  assert.equal((await rest.get('/api/v1/content/product')).body.total_count, 0);

  // A good title goes through, and the execution shows in the logs sidebar with its verdict.
  await page.locator('[data-testid="field-title"] input').fill('A good title');
  await page.click('[data-testid="object-save"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="object-title"]')?.textContent === 'A good title', null, { timeout: 10000 });
  await page.goto(hl.url + '/#/webhooks/' + encodeURIComponent(hook.body.id));
  await page.waitForSelector('[data-testid="log-verdict"]');
  const verdicts = await page.locator('[data-testid="log-verdict"]').allTextContents();
  assert.deepEqual(verdicts, ['accepted', 'rejected']);
  await rest.del('/api/v1/content/_webhooks/' + encodeURIComponent(hook.body.id));
});

test("a code webhook's Try it runs against a chosen object and saves nothing", async () => {
  const obj = await rest.post('/api/v1/content/product', { id: 'try-me', title: 'Try me', edit_counter: 41 });
  assert.equal(obj.status, 200);
  await page.goto(hl.url + '/#/webhooks/new');
  await page.waitForSelector('[data-testid="webhook-form"]');
  await page.fill('[data-testid="wh-name"]', 'Counter');
  await page.selectOption('[data-testid="wh-type"]', 'sync');
  await page.check('[data-testid="wh-mode-code"]');
  // Only what a code webhook uses is shown: no URL, no secret.
  assert.equal(await page.locator('[data-testid="wh-url"]').count(), 0);
  assert.equal(await page.locator('[data-testid="wh-secret"]').count(), 0);
  assert.equal(await page.locator('[data-testid="action-Custom"]').count(), 0);
  await page.locator('[data-testid="wh-template"]', { hasText: 'Edit counter' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="wh-code"]')?.textContent?.includes('edit_counter'));
  await page.selectOption('[data-testid="wh-try-type"]', 'product');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="wh-try-object"] option').length > 0);
  await page.selectOption('[data-testid="wh-try-object"]', 'try-me');
  await page.click('[data-testid="wh-try-run"]');
  const out = page.locator('[data-testid="wh-try-outcome"]');
  await out.waitFor();
  assert.equal(await out.getAttribute('data-verdict'), 'modified');
  assert.match(await out.textContent(), /"edit_counter": 42/);
  await shoot('code-try');
  assert.equal((await rest.get('/api/v1/content/product/try-me')).body.edit_counter, 41);

  // A script error names its line.
  await page.evaluate(() => {
    const view = document.querySelector('[data-testid="wh-code"] .cm-content');
    view.focus();
  });
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText('function _webhook(ctx) {\n  return ctx.missing.field;\n}');
  await page.click('[data-testid="wh-try-run"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="wh-try-outcome"]')?.getAttribute('data-verdict') === 'failed');
  assert.match(await out.textContent(), /line 2/);
  assert.equal((await rest.get('/api/v1/content/_webhooks')).body.total_count, 0, 'Try it saved no webhook');
  // The form was never saved, so leaving it asks first; discard.
  await page.goto(hl.url + '/#/webhooks');
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForSelector('[data-testid="webhook-form"]', { state: 'detached' });
});

test('the inbox as a modifying sync receiver changes what the editor saves', async () => {
  await page.goto(hl.url + '/#/inbox');
  await page.locator('[data-testid="inbox-new"]').first().click();
  await page.waitForSelector('[data-testid="inbox-form"]');
  await page.fill('[data-testid="inbox-form-name"]', 'stamper');
  await page.selectOption('[data-testid="inbox-form-sync-mode"]', 'modify');
  await page.fill('[data-testid="inbox-form-sync-patch"]', '{"slug": "stamped-by-inbox"}');
  await shoot('inbox-sync-form');
  await page.click('[data-testid="inbox-form-save"]');
  await page.waitForSelector('[data-testid="inbox-form"]', { state: 'detached' });
  const inbox = (await rest.get('/api/v1/inboxes/stamper')).body;
  assert.equal(inbox.syncMode, 'modify');
  assert.deepEqual(inbox.syncPatch, { slug: 'stamped-by-inbox' });

  const hook = await rest.post('/api/v1/content/_webhooks', {
    name: 'Inbox stamp', type: 'sync', url: hl.url + '/inbox/stamper', enabled: true,
    actions: [{ action: 'Create' }], content_type_definitions: [{ content_type_definition_name: 'product' }],
  });
  assert.equal(hook.status, 200, JSON.stringify(hook.body));

  await page.goto(hl.url + '/#/content/product/new');
  await page.waitForSelector('[data-testid="object-form"]');
  await page.locator('[data-testid="field-title"] input').fill('Stamp me');
  await page.click('[data-testid="object-save"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="object-title"]')?.textContent === 'Stamp me', null, { timeout: 10000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="field-slug"] input')?.value === 'stamped-by-inbox');
  const id = decodeURIComponent(page.url().split('#/content/product/')[1]);
  assert.equal((await rest.get('/api/v1/content/product/' + encodeURIComponent(id))).body.slug, 'stamped-by-inbox');
  const reqs = (await rest.get('/api/v1/inboxes/stamper/requests')).body;
  assert.equal(reqs.total_count, 1);
  await page.goto(hl.url + '/#/webhooks');
  await page.waitForSelector('[data-testid="webhook-kind"]');
  assert.equal((await page.locator('[data-testid="webhook-kind"]').textContent()).trim(), 'sync');
  await shoot('webhook-list');
  await rest.del('/api/v1/content/_webhooks/' + encodeURIComponent(hook.body.id));
});

test('Draft & Public: the editor shows the status and publishes; the list filters by status', async () => {
  const def = { ...productType, name: 'article', label: 'Article' };
  assert.equal((await rest.post('/api/v1/internal/contenttype', def)).status, 200);
  // The switch is turned on in the type modeler.
  await page.goto(hl.url + '/#/types/article');
  await page.waitForSelector('[data-testid="type-draft-public"]');
  assert.equal(await page.isChecked('[data-testid="type-draft-public"]'), false);
  await page.check('[data-testid="type-draft-public"]');
  await page.click('[data-testid="type-save"]');
  // Leave only once the modeler has finished saving, as a person would:
  // until then it still guards its unsaved changes.
  await page.waitForSelector('[data-testid="type-dirty"]', { state: 'detached', timeout: 10000 });
  const deadline = Date.now() + 10000;
  while ((await rest.get('/api/v1/internal/contenttype/article')).body.draftPublic !== true) {
    if (Date.now() > deadline) throw new Error('draftPublic was not saved');
    await new Promise((r) => setTimeout(r, 100));
  }
  await rest.post('/api/v1/content/article', { id: 'a1', title: 'First draft' });
  await rest.post('/api/v1/content/article', { id: 'a2', title: 'Second draft' });
  await page.goto(hl.url + '/#/content/article/a1');
  const badge = page.locator('[data-testid="publication-status"]');
  await badge.waitFor();
  assert.equal((await badge.textContent()).trim(), 'draft');
  await page.click('[data-testid="publish"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="publication-status"]')?.textContent?.trim() === 'public');
  await shoot('publication');
  const pub = (await rest.get('/api/v1/content/article/a1')).body; // without preview: public only
  assert.equal(pub.internal.status, 'public');

  await page.goto(hl.url + '/#/content/article');
  await page.waitForSelector('[data-testid="object-row"]');
  await page.selectOption('[data-testid="status-filter"]', 'draft');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="object-row"]').length === 1);
  assert.equal(await page.locator('[data-testid="object-row"]').getAttribute('data-id'), 'a2');
  assert.deepEqual(pageErrors, []);
});
