// The media library, end to end in Chromium against a real `hookline
// serve`: uploads by button and by drag and drop (on the zone and on the
// window), search and filters, the edit panel, the picker in an object's
// media field, the thumbnail in object lists and the delete refusal, with
// the server's state checked over REST after each step. Screenshots of the
// media screen and the picker, at 880 and 1600 px, light and dark, go to
// $MEDIA_SHOTS (default /tmp/media-shots).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { png } from '../lib/png.mjs';
import { startHookline } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { restClient } from '../lib/rest.mjs';

let hl, browser, page, rest;
const pageErrors = [];
const shots = process.env.MEDIA_SHOTS ?? '/tmp/media-shots';

before(async () => {
  mkdirSync(shots, { recursive: true });
  hl = await startHookline();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(hl.url + '/#/media');
  await page.waitForSelector('.shell[data-connected="yes"]');
  rest = await restClient(hl.url);
});
after(async () => {
  await browser?.close();
  await hl?.stop();
});

const mediaList = async () => (await rest.get('/api/v1/content/_media?limit=100')).body.data;
const cards = () => page.locator('[data-testid="media-grid"] [data-testid="media-card"]');

/** Drops files made inside the page onto the element matching selector. */
async function dropFiles(selector, files) {
  await page.evaluate(
    ({ selector, files }) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      const el = document.querySelector(selector);
      el.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
      el.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    },
    { selector, files: files.map((f) => ({ ...f, b64: f.data.toString('base64') })) },
  );
}

test('the media screen is in the navigation and starts empty', async () => {
  await page.click('nav a[href="#/media"]');
  await page.waitForSelector('text=No media yet');
});

test('several files upload by button, each with its progress bar', async () => {
  await page.setInputFiles('[data-testid="upload-input"]', [
    { name: 'red-square.png', mimeType: 'image/png', buffer: png(120, 120, [200, 30, 30]) },
    { name: 'wide-blue.png', mimeType: 'image/png', buffer: png(320, 180, [20, 60, 200]) },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain notes\n') },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="upload-row"][data-state="done"]').length === 3);
  assert.equal(await page.locator('[data-testid="upload-row"] progress').count(), 3);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="media-card"]').length === 3);
  const list = await mediaList();
  assert.deepEqual(list.map((m) => m.fileName).sort(), ['notes.txt', 'red-square.png', 'wide-blue.png']);
  const wide = list.find((m) => m.fileName === 'wide-blue.png');
  assert.equal(wide.width, 320);
  assert.equal(wide.mimeType, 'image/png');
  // The card shows name, size and dimensions, and a real thumbnail.
  const card = page.locator(`[data-testid="media-card"][data-id="${wide.id}"]`);
  assert.match(await card.innerText(), /wide-blue\.png[\s\S]*320×180/);
  const natural = await card.locator('img').evaluate(async (img) => {
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  });
  assert.deepEqual(natural, [240, 180], 'a 320x240 crop box shrinks to fit, never upscaling');
});

test('a file that is not allowed is refused with Flotiq\'s message, and nothing is stored', async () => {
  await page.setInputFiles('[data-testid="upload-input"]', [{ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<!DOCTYPE html><html><body>x</body></html>') }]);
  const row = page.locator('[data-testid="upload-row"][data-state="error"]');
  await row.waitFor();
  assert.match(await row.innerText(), /mime type of the file is invalid \("text\/html"\)/);
  assert.equal((await mediaList()).length, 3);
});

test('search by name and filter by type', async () => {
  await page.fill('[data-testid="media-search"]', 'blue');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="media-card"]').length === 1);
  assert.match(await cards().first().innerText(), /wide-blue/);
  await page.fill('[data-testid="media-search"]', '');
  await page.selectOption('[data-testid="media-kind"]', 'file');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="media-card"]').length === 1);
  assert.match(await cards().first().innerText(), /notes\.txt/);
  await page.selectOption('[data-testid="media-kind"]', '');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="media-card"]').length === 3);
});

test('the edit panel saves alt text and tags; the tag filter finds it', async () => {
  const red = (await mediaList()).find((m) => m.fileName === 'red-square.png');
  await page.click(`[data-testid="media-card"][data-id="${red.id}"]`);
  await page.waitForSelector('[data-testid="media-panel"]');
  await page.fill('[data-testid="media-alt"]', 'A red square');
  await page.fill('[data-testid="media-new-tag"]', 'hero');
  await page.click('[data-testid="media-add-tag"]');
  await page.click('[data-testid="media-save"]');
  await page.waitForSelector('[data-testid="media-panel"] [role="status"]');
  const saved = (await rest.get('/api/v1/content/_media/' + red.id)).body;
  assert.equal(saved.alt, 'A red square');
  assert.equal(saved.tags.length, 1);
  const tag = (await rest.get('/api/v1/content/_tag')).body.data[0];
  assert.equal(tag.name, 'hero');
  assert.equal(saved.tags[0].dataUrl, '/api/v1/content/_tag/' + tag.id);
  // A variant: a 60x40 box from (10, 20), served trimmed.
  await page.click('text=Add variant');
  const row = page.locator('[data-testid="variant-row"]').first();
  await row.locator('input').first().fill('thumb');
  const nums = row.locator('input[type="number"]');
  for (const [i, v] of [[0, '20'], [1, '10'], [2, '60'], [3, '40']]) await nums.nth(i).fill(v);
  await page.click('[data-testid="media-save"]');
  const open = page.locator('[data-testid="variant-open"]');
  await open.waitFor();
  const size = await page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  }, await open.getAttribute('href'));
  assert.deepEqual(size, [60, 40]);
  assert.deepEqual((await rest.get('/api/v1/content/_media/' + red.id)).body.variants, [{ name: 'thumb', trim: { top: 20, left: 10, width: 60, height: 40 } }]);
  await page.selectOption('[data-testid="media-tag"]', tag.id);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="media-card"]').length === 1);
  await page.selectOption('[data-testid="media-tag"]', '');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="media-card"]').length === 3);
});

test('screenshots of the media screen, light and dark, 880 and 1600 px', async () => {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [880, 1600]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(shots, `media-${width}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.click('[data-testid="media-panel"] [aria-label="Close"]');
});

test('files dropped on the upload zone upload', async () => {
  await dropFiles('[data-testid="upload-zone"]', [{ name: 'dropped-green.png', type: 'image/png', data: png(64, 48, [20, 180, 60]) }]);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="media-card"]').length === 4);
  assert.ok((await mediaList()).some((m) => m.fileName === 'dropped-green.png' && m.width === 64));
});

test('a file dropped anywhere on the window uploads too', async () => {
  await page.goto(hl.url + '/#/settings');
  await page.waitForSelector('[data-testid="transfer"]');
  await dropFiles('main', [{ name: 'window-drop.png', type: 'image/png', data: png(50, 50, [90, 90, 90]) }]);
  await page.waitForSelector('[data-testid="window-upload"][data-state="done"]');
  assert.ok((await mediaList()).some((m) => m.fileName === 'window-drop.png'));
  await page.screenshot({ path: join(shots, 'window-drop-1280-light.png') });
  await page.click('[data-testid="window-uploads-close"]');
  await page.waitForSelector('[data-testid="window-uploads"]', { state: 'detached' });
});

let gallery;
test('the picker fills a media field: choose, upload on the spot, reorder, remove', async () => {
  const def = {
    name: 'gallery', label: 'Gallery',
    schemaDefinition: { type: 'object', allOf: [{ $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' }, { type: 'object', properties: {
      title: { type: 'string', minLength: 1 },
      images: { type: 'array', items: { $ref: '#/components/schemas/DataSource' }, minItems: 0 },
    } }], required: ['title'], additionalProperties: false },
    metaDefinition: { order: ['title', 'images'], propertiesConfig: {
      title: { label: 'Title', inputType: 'text', unique: false, isTitlePart: true },
      images: { label: 'Images', inputType: 'datasource', unique: false, validation: { relationContenttype: '_media', relationMultiple: true } },
    } },
  };
  assert.equal((await rest.post('/api/v1/internal/contenttype', def)).status, 200);
  const all = await mediaList();
  const red = all.find((m) => m.fileName === 'red-square.png');
  const wide = all.find((m) => m.fileName === 'wide-blue.png');

  await page.goto(hl.url + '/#/content/gallery/new');
  await page.waitForSelector('[data-testid="media-choose"]');
  await page.locator('[data-testid="field-title"] input').fill('Holiday');
  await page.click('[data-testid="media-choose"]');
  const picker = page.locator('[data-testid="media-picker"]');
  await picker.waitFor();
  await picker.locator(`[data-testid="media-card"][data-id="${red.id}"]`).click();
  await picker.locator(`[data-testid="media-card"][data-id="${wide.id}"]`).click();
  // Upload on the spot: the new file is selected at once.
  await picker.locator('[data-testid="upload-input"]').setInputFiles([{ name: 'fresh.png', mimeType: 'image/png', buffer: png(90, 60, [240, 200, 20]) }]);
  await picker.locator('[data-testid="upload-row"][data-state="done"]').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="media-picker"] footer')?.textContent?.includes('3 selected'));
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [880, 1600]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(shots, `picker-${width}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 860 });
  await picker.locator('[data-testid="picker-done"]').click();
  const chosen = page.locator('[data-testid="media-chosen"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="media-chosen"] img').length === 3);
  const fresh = (await mediaList()).find((m) => m.fileName === 'fresh.png');
  assert.deepEqual(await chosen.evaluateAll((els) => els.map((e) => e.dataset.id)), [red.id, wide.id, fresh.id]);
  // Move the first to the right, remove the last.
  await chosen.nth(0).locator('[aria-label="Move right"]').click();
  await chosen.nth(2).locator('[aria-label="Remove"]').click();
  assert.deepEqual(await chosen.evaluateAll((els) => els.map((e) => e.dataset.id)), [wide.id, red.id]);
  await page.setViewportSize({ width: 880, height: 900 });
  await page.screenshot({ path: join(shots, 'field-880-light.png') });
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.click('[data-testid="object-save"]');
  await page.waitForURL(/#\/content\/gallery\/gallery-/);
  gallery = (await rest.get('/api/v1/content/gallery')).body.data[0];
  assert.deepEqual(gallery.images.map((r) => r.dataUrl), [wide.id, red.id].map((id) => '/api/v1/content/_media/' + id));
});

test('the object list shows the first image as a thumbnail', async () => {
  await page.goto(hl.url + '/#/content/gallery');
  const thumb = page.locator('[data-testid="object-row"] [data-testid="list-thumb"]');
  await thumb.waitFor();
  assert.match(await thumb.getAttribute('src'), new RegExp(`^/image/80x80/${gallery.images[0].dataUrl.split('/').pop()}\\.png$`));
  assert.ok(await thumb.evaluate((img) => img.decode().then(() => img.naturalWidth === 80)));
  await page.setViewportSize({ width: 880, height: 700 });
  await page.screenshot({ path: join(shots, 'list-880-light.png') });
  await page.setViewportSize({ width: 1280, height: 860 });
});

test('deleting media that an object uses is refused, naming the object', async () => {
  const red = (await mediaList()).find((m) => m.fileName === 'red-square.png');
  await page.goto(hl.url + '/#/media');
  await page.click(`[data-testid="media-card"][data-id="${red.id}"]`);
  await page.click('[data-testid="media-delete"]');
  await page.click('[data-testid="confirm-ok"]');
  const banner = page.locator('[data-testid="media-panel"] [data-testid="error-banner"]');
  await banner.waitFor();
  assert.match(await banner.innerText(), new RegExp(`used in another content object.*gallery/${gallery.id}`));
  assert.equal((await rest.get('/api/v1/content/_media/' + red.id)).status, 200);
  // An unused one goes, file included.
  const notes = (await mediaList()).find((m) => m.fileName === 'notes.txt');
  await page.click('[data-testid="media-panel"] [aria-label="Close"]');
  await page.click(`[data-testid="media-card"][data-id="${notes.id}"]`);
  await page.click('[data-testid="media-delete"]');
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForFunction((id) => !document.querySelector(`[data-testid="media-card"][data-id="${id}"]`), notes.id);
  const img = await fetch(hl.url + notes.url);
  assert.equal(img.status, 404);
  assert.equal((await img.json()).message, 'Not found');
});

test('Settings exports a .flotiq folder and another Hookline imports it whole', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'hookline-flotiq-')), '.flotiq');
  await page.goto(hl.url + '/#/settings');
  await page.fill('[data-testid="transfer-dir"]', dir);
  await page.click('[data-testid="transfer-export"]');
  const status = page.locator('[data-testid="transfer-status"][data-state="done"]');
  await status.waitFor();
  assert.match(await status.innerText(), /Exported 4 types, \d+ objects, 5 files/);
  const exported = readdirSync(join(dir, 'InternalContentTypeMedia')).filter((f) => f.startsWith('_media-')).sort();
  assert.equal(exported.length, 5);
  await page.setViewportSize({ width: 880, height: 900 });
  await page.locator('[data-testid="transfer"]').screenshot({ path: join(shots, 'transfer-880-light.png') });
  await page.setViewportSize({ width: 1280, height: 860 });

  const other = await startHookline();
  try {
    const page2 = await browser.newPage();
    await page2.goto(other.url + '/#/settings');
    await page2.fill('[data-testid="transfer-dir"]', dir);
    await page2.click('[data-testid="transfer-import"]');
    const done = page2.locator('[data-testid="transfer-status"][data-state="done"]');
    await done.waitFor();
    assert.match(await done.innerText(), /Imported 1 types, \d+ objects, 5 files/);
    const rest2 = await restClient(other.url);
    const g = (await rest2.get('/api/v1/content/gallery')).body.data[0];
    assert.deepEqual(g.images, gallery.images);
    for (const f of exported) {
      const [id, ext] = [f.slice(0, f.lastIndexOf('.')), f.slice(f.lastIndexOf('.') + 1)];
      const a = Buffer.from(await (await fetch(`${hl.url}/image/0x0/${id}.${ext}`)).arrayBuffer());
      const b = Buffer.from(await (await fetch(`${other.url}/image/0x0/${id}.${ext}`)).arrayBuffer());
      assert.ok(a.equals(b) && a.equals(readFileSync(join(dir, 'InternalContentTypeMedia', f))), `${f} differs`);
    }
    // A second import of the same folder is refused whole.
    await page2.click('[data-testid="transfer-import"]');
    const failed = page2.locator('[data-testid="transfer-status"][data-state="error"]');
    await failed.waitFor();
    assert.match(await failed.innerText(), /exists already/);
    await page2.close();
  } finally {
    await other.stop();
  }
});

test('no errors in the page', () => {
  assert.deepEqual(pageErrors, []);
});
