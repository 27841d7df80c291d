// Content, end to end: model a type in the browser, then create, edit,
// validate, version, restore and delete objects, checking the real server's
// state through the Flotiq REST API after each step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHookline } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { restClient } from '../lib/rest.mjs';

let hl, browser, page, rest;
const pageErrors = [];

before(async () => {
  hl = await startHookline();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(hl.url + '/#/content');
  await page.waitForSelector('.shell[data-connected="yes"]');
  rest = await restClient(hl.url);
});
after(async () => {
  await browser?.close();
  await hl?.stop();
});

const prop = (i) => page.locator(`[data-testid="property"][data-path="properties[${i}]"]`);
const field = (key) => page.locator(`[data-testid="field-${key}"]`);

test('the content screen starts empty and points to defining a type', async () => {
  await page.click('[data-testid="define-first-type"]');
  await page.waitForSelector('[data-testid="type-label"]');
  assert.match(page.url(), /#\/types\/new$/);
});

test('a type is defined in the modeler', async () => {
  await page.fill('[data-testid="type-label"]', 'Product');
  assert.equal(await page.inputValue('[data-testid="type-name"]'), 'product');

  await page.click('[data-testid="add-property"]');
  await prop(0).locator('[data-testid="prop-label"]').fill('Title');
  assert.equal(await prop(0).locator('[data-testid="prop-key"]').inputValue(), 'title');
  await prop(0).locator('[data-testid="prop-required"]').check();
  await prop(0).locator('[data-testid="prop-title-part"]').check();

  await page.click('[data-testid="add-property"]');
  await prop(1).locator('[data-testid="prop-label"]').fill('Price');
  await prop(1).locator('[data-testid="prop-input-type"]').selectOption('number');

  await page.click('[data-testid="add-property"]');
  await prop(2).locator('[data-testid="prop-label"]').fill('Size');
  await prop(2).locator('[data-testid="prop-input-type"]').selectOption('select');
  await prop(2).locator('[data-testid="prop-option-labels"]').check();
  for (const [value, label] of [['s', 'Small'], ['m', 'Medium']]) {
    await prop(2).locator('[data-testid="add-option"]').click();
    await prop(2).locator('[data-testid="option-value"]').last().fill(value);
    await prop(2).locator('[data-testid="option-label"]').last().fill(label);
  }

  // Reorder: Size up above Price, then back.
  await prop(2).locator('[data-testid="prop-up"]').click();
  assert.equal(await prop(1).locator('[data-testid="prop-key"]').inputValue(), 'size');
  await prop(1).locator('[data-testid="prop-down"]').click();
  assert.equal(await prop(2).locator('[data-testid="prop-key"]').inputValue(), 'size');

  // The JSON tab shows the Flotiq definition the modeler builds.
  await page.click('[data-testid="tab-json"]');
  const json = await page.locator('[data-testid="type-json"] .cm-content').innerText();
  assert.match(json, /AbstractContentTypeSchemaDefinition/);
  await page.click('[data-testid="tab-fields"]');

  await page.click('[data-testid="type-save"]');
  await page.waitForURL(/#\/types\/product$/);
  // The saved type reopens in edit mode: its name is fixed, it can be deleted.
  await page.waitForSelector('[data-testid="type-delete"]');
  assert.equal(await page.locator('[data-testid="type-name"]').getAttribute('readonly'), '');

  const def = await rest.get('/api/v1/internal/contenttype/product');
  assert.equal(def.status, 200);
  const { schemaDefinition: sd, metaDefinition: md } = def.body;
  assert.deepEqual(sd.required, ['title']);
  assert.equal(sd.allOf[0].$ref, '#/components/schemas/AbstractContentTypeSchemaDefinition');
  assert.deepEqual(sd.allOf[1].properties.title, { type: 'string', minLength: 1 });
  assert.deepEqual(sd.allOf[1].properties.price, { type: 'number' });
  assert.deepEqual(md.order, ['title', 'price', 'size']);
  assert.equal(md.propertiesConfig.title.isTitlePart, true);
  assert.deepEqual(md.propertiesConfig.size.options, ['s', 'm']);
  assert.deepEqual(md.propertiesConfig.size.optionsWithLabels, [
    { value: 's', label: 'Small' },
    { value: 'm', label: 'Medium' },
  ]);
});

let objectId;

test('an object is created from the generated form', async () => {
  await page.click('nav >> text=Content');
  await page.click('[data-testid="content-type-link"][data-name="product"]');
  await page.click('[data-testid="create-first"]');
  await field('title').locator('input').fill('Blue hat');
  await field('price').locator('input').fill('12.5');
  // The select shows the option labels and stores the values.
  assert.deepEqual(await field('size').locator('option').allTextContents(), ['—', 'Small', 'Medium']);
  await field('size').locator('select').selectOption('m');
  await page.click('[data-testid="object-save"]');
  await page.waitForURL(/#\/content\/product\/(?!new$)[^/]+$/);
  objectId = decodeURIComponent(page.url().split('/').pop());
  await page.waitForSelector('[data-testid="object-delete"]');
  assert.equal(await page.locator('[data-testid="object-title"]').innerText(), 'Blue hat');

  const obj = await rest.get(`/api/v1/content/product/${objectId}`);
  assert.equal(obj.status, 200);
  assert.equal(obj.body.title, 'Blue hat');
  assert.equal(obj.body.price, 12.5);
  assert.equal(obj.body.size, 'm');
  assert.equal(obj.body.internal.latestVersion, 1);
});

test('an edit is saved as a new version', async () => {
  await field('title').locator('input').fill('Red hat');
  await page.click('[data-testid="object-save"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="object-title"]')?.textContent === 'Red hat');
  const obj = await rest.get(`/api/v1/content/product/${objectId}`);
  assert.equal(obj.body.title, 'Red hat');
  assert.equal(obj.body.internal.latestVersion, 2);
});

test('a server validation error appears beside its field', async () => {
  await field('title').locator('input').fill('');
  await page.click('[data-testid="object-save"]');
  const err = field('title').locator('[data-testid="field-error"]');
  await err.waitFor();
  assert.match(await err.innerText(), /required|at least 1 character/i);
  assert.equal(await field('price').locator('[data-testid="field-error"]').count(), 0);
  assert.equal(await field('title').locator('input').getAttribute('aria-invalid'), 'true');
  // Nothing was written.
  const obj = await rest.get(`/api/v1/content/product/${objectId}`);
  assert.equal(obj.body.title, 'Red hat');
  assert.equal(obj.body.internal.latestVersion, 2);
});

test('unsaved changes are guarded', async () => {
  await page.click('nav >> text=Type definitions');
  await page.waitForSelector('[data-testid="confirm-dialog"][open]');
  await page.click('[data-testid="confirm-cancel"]');
  assert.match(page.url(), new RegExp(`#/content/product/${objectId}$`));
  await page.waitForSelector('[data-testid="object-form"]');
  // Typing the stored value back leaves nothing unsaved.
  await field('title').locator('input').fill('Red hat');
  assert.equal(await page.locator('[data-testid="object-dirty"]').count(), 0);
});

test('version history shows version 1 and restores it as a new version', async () => {
  await page.click('[data-testid="toggle-versions"]');
  const items = page.locator('[data-testid="version-item"]');
  await items.first().waitFor();
  assert.equal(await items.count(), 2);
  await page.click('[data-testid="version-item"][data-version="1"]');
  await page.waitForSelector('[data-testid="viewing-version"]');
  const old = page.locator('[data-testid="version-form"] [data-testid="field-title"] input');
  assert.equal(await old.inputValue(), 'Blue hat');
  assert.equal(await old.isDisabled(), true);
  await page.click('[data-testid="restore-version"]');
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="object-title"]')?.textContent === 'Blue hat');
  await page.waitForSelector('[data-testid="version-item"][data-version="3"]');

  const obj = await rest.get(`/api/v1/content/product/${objectId}`);
  assert.equal(obj.body.title, 'Blue hat');
  assert.equal(obj.body.price, 12.5);
  assert.equal(obj.body.internal.latestVersion, 3);
  const versions = await rest.get(`/api/v1/content/product/${objectId}/version`);
  assert.equal(versions.body.total_count, 3);
});

test('the list searches titles and bulk-deletes', async () => {
  for (const title of ['Green scarf', 'Green gloves']) {
    const r = await rest.post('/api/v1/content/product', { title, price: 5 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  await page.click('nav >> text=Content');
  await page.click('[data-testid="content-type-link"][data-name="product"]');
  await page.waitForSelector('[data-testid="object-row"]');
  assert.equal(await page.locator('[data-testid="object-row"]').count(), 3);

  await page.fill('[data-testid="object-search"]', 'green');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="object-row"]').length === 2);
  await page.click('[data-testid="sort-internal.objectTitle"]');
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid="object-link"]')].map((a) => a.textContent).join() === 'Green gloves,Green scarf',
  );

  await page.click('[data-testid="select-all"]');
  await page.click('[data-testid="bulk-delete"]');
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForSelector('[data-testid="no-matches"]');
  const left = await rest.get('/api/v1/content/product');
  assert.equal(left.body.total_count, 1);
  assert.equal(left.body.data[0].id, objectId);
});

test('the object is deleted', async () => {
  await page.fill('[data-testid="object-search"]', '');
  await page.click(`[data-testid="object-row"][data-id="${objectId}"] [data-testid="object-link"]`);
  await page.click('[data-testid="object-delete"]');
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForSelector('[data-testid="create-first"]');
  const gone = await rest.get(`/api/v1/content/product/${objectId}`);
  assert.equal(gone.status, 404);
});

test('the type is deleted once it has no objects', async () => {
  await page.click('nav >> text=Type definitions');
  await page.click('[data-testid="type-row"][data-name="product"] [data-testid="type-row-delete"]');
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForSelector('[data-testid="new-type"]');
  const gone = await rest.get('/api/v1/internal/contenttype/product');
  assert.equal(gone.status, 404);
  assert.deepEqual(pageErrors, []);
});
