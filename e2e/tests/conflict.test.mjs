// Lost updates, end to end: a script changes an object while it is open in
// the editor; the editor learns of it live and shows "Changed elsewhere"
// with compare, reload and overwrite; a save based on the old version never
// silently overwrites. And the webhook form's unsaved guard and Ctrl+S.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHookline } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { restClient } from '../lib/rest.mjs';

let hl, browser, page, rest;
const pageErrors = [];
const product = {
  name: 'product',
  label: 'Product',
  schemaDefinition: {
    type: 'object',
    allOf: [
      { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
      { type: 'object', properties: { name: { type: 'string', minLength: 1 }, note: { type: 'string' } } },
    ],
    required: ['name'],
    additionalProperties: false,
  },
  metaDefinition: {
    order: ['name', 'note'],
    propertiesConfig: {
      name: { label: 'Name', inputType: 'text', unique: false, helpText: '', isTitlePart: true },
      note: { label: 'Note', inputType: 'text', unique: false, helpText: '' },
    },
  },
};
const nameInput = () => page.locator('[data-testid="field-name"] input');

before(async () => {
  hl = await startHookline();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  rest = await restClient(hl.url);
  assert.equal((await rest.post('/api/v1/internal/contenttype', product)).status, 200);
  assert.equal((await rest.post('/api/v1/content/product', { id: 'product-1', name: 'Original', note: 'n' })).status, 200);
});
after(async () => {
  await browser?.close();
  await hl?.stop();
});

test('REST: If-Match with an old version answers 412 with the current one', async () => {
  const put = (v) =>
    fetch(hl.url + '/api/v1/content/product/product-1', {
      method: 'PATCH',
      headers: { 'X-AUTH-TOKEN': rest.key, 'Content-Type': 'application/json', 'If-Match': `"${v}"` },
      body: JSON.stringify({ note: 'patched' }),
    });
  const stale = await put(7);
  assert.equal(stale.status, 412);
  assert.equal((await stale.json()).latestVersion, 1);
  assert.equal((await put(1)).status, 200);
});

test('a change made elsewhere shows live; compare lists the field; overwrite saves mine', async () => {
  await page.goto(hl.url + '/#/content/product/product-1');
  await nameInput().waitFor();
  await nameInput().fill('Mine');
  const res = await rest.put('/api/v1/content/product/product-1', { name: 'Script', note: 'patched' });
  assert.equal(res.status, 200);
  const banner = page.locator('[data-testid="conflict-banner"]');
  await banner.waitFor({ timeout: 5000 });
  assert.match(await banner.innerText(), /Changed elsewhere/);
  await banner.locator('[data-testid="conflict-compare"]').click();
  const row = banner.locator('[data-testid="conflict-diff"] tr[data-field="name"]');
  assert.match(await row.innerText(), /Mine\s+Script/);
  assert.equal(await banner.locator('[data-testid="conflict-diff"] tr[data-field="note"]').count(), 0);
  await banner.locator('[data-testid="conflict-overwrite"]').click();
  await banner.waitFor({ state: 'detached' });
  const stored = await rest.get('/api/v1/content/product/product-1');
  assert.equal(stored.body.name, 'Mine');
  assert.equal(stored.body.internal.latestVersion, 4);
});

test('saving over a newer version is refused (412), never a silent overwrite; reload takes theirs', async () => {
  await nameInput().fill('Mine again');
  await rest.put('/api/v1/content/product/product-1', { name: 'Script again', note: 'n' });
  // Save at once, racing the live event: either way the server refuses.
  await page.click('[data-testid="object-save"]');
  const banner = page.locator('[data-testid="conflict-banner"]');
  await banner.waitFor();
  assert.equal((await rest.get('/api/v1/content/product/product-1')).body.name, 'Script again');
  await banner.locator('[data-testid="conflict-reload"]').click();
  await banner.waitFor({ state: 'detached' });
  assert.equal(await nameInput().inputValue(), 'Script again');
  assert.equal(await page.locator('[data-testid="object-dirty"]').count(), 0);
});

test('a type created through the API appears live in the type list and on the content home', async () => {
  await page.goto(hl.url + '/#/types');
  await page.locator('[data-testid="type-row"]').first().waitFor();
  const before = await page.locator('[data-testid="type-row"]').count();
  const def = JSON.parse(JSON.stringify(product));
  def.name = 'scripted';
  def.label = 'Scripted';
  assert.equal((await rest.post('/api/v1/internal/contenttype', def)).status, 200);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="type-row"]').length === n + 1, before, { timeout: 5000 });
  await page.goto(hl.url + '/#/content');
  await page.locator('[data-testid="content-type-link"]').first().waitFor();
  assert.match(await page.locator('[data-testid="content-types"]').innerText(), /2 properties/);
});

test('the type modeler: a change through REST shows live, overwrite saves mine, a stale save is refused', async () => {
  const def = JSON.parse(JSON.stringify(product));
  def.name = 'gadget';
  def.label = 'Gadget';
  assert.equal((await rest.post('/api/v1/internal/contenttype', def)).status, 200);
  const putType = (label, v) =>
    fetch(hl.url + '/api/v1/internal/contenttype/gadget', {
      method: 'PUT',
      headers: { 'X-AUTH-TOKEN': rest.key, 'Content-Type': 'application/json', ...(v ? { 'If-Match': `"${v}"` } : {}) },
      body: JSON.stringify({ ...def, label }),
    });
  const stored = async () => {
    const r = await fetch(hl.url + '/api/v1/internal/contenttype/gadget', { headers: { 'X-AUTH-TOKEN': rest.key } });
    return { etag: r.headers.get('etag'), label: (await r.json()).label };
  };
  const label = page.locator('[data-testid="type-label"]');
  const banner = page.locator('[data-testid="conflict-banner"]');

  await page.goto(hl.url + '/#/types/gadget');
  await label.waitFor();
  await label.fill('Mine');
  assert.equal((await putType('Script', 1)).status, 200);
  await banner.waitFor({ timeout: 5000 });
  assert.match(await banner.innerText(), /Changed elsewhere[\s\S]*version 2/);
  await banner.locator('[data-testid="conflict-compare"]').click();
  assert.match(await banner.locator('[data-testid="conflict-diff"] tr[data-field="label"]').innerText(), /Label\s+Mine\s+Script/);
  // Only the label differs: key order in the stored JSON is no difference.
  assert.equal(await banner.locator('[data-testid="conflict-diff"] tr').count(), 2);
  await banner.locator('[data-testid="conflict-overwrite"]').click();
  await banner.waitFor({ state: 'detached' });
  assert.deepEqual(await stored(), { etag: '"3"', label: 'Mine' });
  // The modeler now holds revision 3: an old If-Match from a script is refused.
  const old = await putType('Late script', 2);
  assert.equal(old.status, 412);
  assert.equal((await old.json()).latestVersion, 3);

  // A save based on revision 3 after a script saved revision 4 is refused.
  await label.fill('Mine again');
  assert.equal((await putType('Script again')).status, 200);
  await page.click('[data-testid="type-save"]');
  await banner.waitFor();
  assert.deepEqual(await stored(), { etag: '"4"', label: 'Script again' });
  await banner.locator('[data-testid="conflict-reload"]').click();
  await banner.waitFor({ state: 'detached' });
  assert.equal(await label.inputValue(), 'Script again');
  assert.equal(await page.locator('[data-testid="type-dirty"]').count(), 0);
  assert.deepEqual(pageErrors, []);
});

test('the webhook form: Ctrl+S saves, and leaving with unsaved changes asks first', async () => {
  const created = await rest.post('/api/v1/content/_webhooks', {
    name: 'Guarded', url: 'http://127.0.0.1:9/x', enabled: true, type: 'async', actions: [], content_type_definitions: [], headers: [],
  });
  const id = created.body.id;
  await page.goto(hl.url + '/#/webhooks/' + encodeURIComponent(id));
  await page.fill('[data-testid="wh-name"]', 'Guarded, renamed');
  await page.locator('[data-testid="wh-dirty"]').waitFor();
  await page.keyboard.press('Control+s');
  await page.locator('[data-testid="wh-dirty"]').waitFor({ state: 'detached' });
  assert.equal((await rest.get('/api/v1/content/_webhooks/' + encodeURIComponent(id))).body.name, 'Guarded, renamed');

  await page.fill('[data-testid="wh-name"]', 'Unsaved name');
  await page.click('a[href="#/content"]');
  const dialog = page.locator('[data-testid="confirm-dialog"][open]');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /unsaved changes/);
  await dialog.locator('[data-testid="confirm-cancel"]').click();
  assert.match(page.url(), /#\/webhooks\//);
  assert.equal(await page.inputValue('[data-testid="wh-name"]'), 'Unsaved name');
  await page.click('a[href="#/content"]');
  await dialog.waitFor();
  await dialog.locator('[data-testid="confirm-ok"]').click();
  await page.waitForFunction(() => location.hash === '#/content');
  assert.equal((await rest.get('/api/v1/content/_webhooks/' + encodeURIComponent(id))).body.name, 'Guarded, renamed');
  assert.deepEqual(pageErrors, []);
});
