// Rich text, end to end: TipTap edits store Flotiq's HTML; stored HTML
// round-trips unchanged through the editor; hostile HTML and Markdown are
// sanitised before they are rendered; relations show their titles in lists;
// two versions compare field by field.
import { test, before, after } from 'node:test';
import { png } from '../lib/png.mjs';
import assert from 'node:assert/strict';
import { startHookline } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { restClient } from '../lib/rest.mjs';

let hl, browser, page, rest;
const pageErrors = [];
const dialogs = [];
const post = {
  name: 'post',
  label: 'Post',
  schemaDefinition: {
    type: 'object',
    allOf: [
      { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
      {
        type: 'object',
        properties: {
          title: { type: 'string', minLength: 1 },
          body: { type: 'string' },
          notes: { type: 'string' },
          related: { type: 'array', items: { $ref: '#/components/schemas/DataSource' } },
        },
      },
    ],
    required: ['title'],
    additionalProperties: false,
  },
  metaDefinition: {
    order: ['title', 'body', 'notes', 'related'],
    propertiesConfig: {
      title: { label: 'Title', inputType: 'text', unique: false, helpText: '', isTitlePart: true },
      body: { label: 'Body', inputType: 'richtext', unique: false, helpText: '' },
      notes: { label: 'Notes', inputType: 'textMarkdown', unique: false, helpText: '' },
      related: { label: 'Related', inputType: 'datasource', unique: false, helpText: '', validation: { relationContenttype: 'post' } },
    },
  },
};
const stored = '<h2>Heading</h2><p>Some <strong>bold</strong> and <a target="_blank" rel="noopener noreferrer nofollow" href="https://example.com">a link</a>.</p><ul><li><p>one</p></li></ul><blockquote><p>quoted</p></blockquote><pre><code>code()</code></pre>';

before(async () => {
  hl = await startHookline();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  rest = await restClient(hl.url);
  assert.equal((await rest.post('/api/v1/internal/contenttype', post)).status, 200);
});
after(async () => {
  await browser?.close();
  await hl?.stop();
});

test('typing in the rich text editor stores HTML with headings, lists, quotes, code and links', async () => {
  await page.goto(hl.url + '/#/content/post/new');
  await page.locator('[data-testid="field-title"] input').fill('Typed');
  const ed = page.locator('[data-testid="richtext-content"]');
  await ed.click();
  await page.click('[data-testid="rt-heading-2"]');
  await page.keyboard.type('A heading');
  await page.keyboard.press('Enter');
  await page.click('[data-testid="rt-bulleted-list"]');
  await page.keyboard.type('first item');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.click('[data-testid="rt-quote"]');
  await page.keyboard.type('wise words');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.type('see ');
  await page.keyboard.press('Shift+Home');
  await page.click('[data-testid="rt-link"]');
  await page.fill('[data-testid="rt-link-url"]', 'https://example.com/');
  await page.click('[data-testid="rt-link-apply"]');
  await page.click('[data-testid="object-save"]');
  await page.waitForFunction(() => /#\/content\/post\/post-/.test(location.hash));
  const id = decodeURIComponent(page.url().split('#/content/post/')[1]);
  const obj = (await rest.get('/api/v1/content/post/' + encodeURIComponent(id))).body;
  assert.match(obj.body, /^<h2>A heading<\/h2><ul><li><p>first item<\/p><\/li><\/ul><blockquote><p>wise words<\/p><\/blockquote><p><a [^>]*href="https:\/\/example.com\/"[^>]*>see <\/a><\/p>$/, obj.body);
});

test('stored HTML round-trips unchanged when another field is edited', async () => {
  const created = await rest.post('/api/v1/content/post', { id: 'post-1', title: 'Stored', body: stored });
  assert.equal(created.status, 200);
  await page.goto(hl.url + '/#/content/post/post-1');
  await page.locator('[data-testid="richtext-content"] h2').waitFor();
  assert.equal(await page.locator('[data-testid="richtext-content"] blockquote').count(), 1);
  await page.locator('[data-testid="field-title"] input').fill('Stored, renamed');
  await page.click('[data-testid="object-save"]');
  await page.locator('[data-testid="object-notice"]').waitFor();
  const obj = (await rest.get('/api/v1/content/post/post-1')).body;
  assert.equal(obj.title, 'Stored, renamed');
  assert.equal(obj.body, stored);
  // The HTML view shows the same source.
  await page.click('[data-testid="rt-source"]');
  assert.equal(await page.inputValue('[data-testid="rt-html"]'), stored);
});

test('hostile HTML and Markdown are sanitised before they are rendered', async () => {
  const evil = '<p>hi</p><img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:window.__pwned=3">x</a>';
  await rest.post('/api/v1/content/post', { id: 'post-2', title: 'Evil', body: evil, notes: '# Notes\n\n<img src=x onerror="window.__pwned=4">\n\n[go](javascript:window.__pwned=5) **bold**' });
  await page.goto(hl.url + '/#/content/post/post-2');
  await page.locator('[data-testid="richtext-content"] p').first().waitFor();
  await page.click('[data-testid="md-preview"]');
  await page.locator('.md-preview h1').waitFor();
  assert.equal(await page.locator('.md-preview strong').innerText(), 'bold');
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  const html = await page.locator('[data-testid="field-body"]').innerHTML() + (await page.locator('.md-preview').innerHTML());
  assert.doesNotMatch(html, /onerror|<script|javascript:/i);
});

test('a relation shows the related object’s title in the list; two versions compare', async () => {
  await rest.put('/api/v1/content/post/post-2', {
    title: 'Evil',
    related: [{ dataUrl: '/api/v1/content/post/post-1', type: 'internal' }],
  });
  await page.goto(hl.url + '/#/content/post');
  const cell = page.locator('[data-testid="object-row"][data-id="post-2"] [data-testid="relation-titles"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="object-row"][data-id="post-2"] [data-testid="relation-titles"]')?.textContent === 'Stored, renamed');
  assert.equal(await cell.innerText(), 'Stored, renamed');

  await page.goto(hl.url + '/#/content/post/post-2');
  await page.click('[data-testid="toggle-versions"]');
  await page.selectOption('[data-testid="diff-from"]', '1');
  await page.selectOption('[data-testid="diff-to"]', '2');
  await page.click('[data-testid="diff-open"]');
  const diff = page.locator('[data-testid="version-diff"]');
  await diff.locator('tr[data-field="related"]').waitFor();
  assert.equal(await diff.locator('tr[data-field="title"]').count(), 0);
  assert.equal(await diff.locator('tr[data-field="body"]').count(), 1);
  await page.keyboard.press('Escape');

  // Deleting an object another one relates to names the one that blocks.
  await page.goto(hl.url + '/#/content/post/post-1');
  await page.click('[data-testid="object-delete"]');
  await page.click('[data-testid="confirm-ok"]');
  const banner = page.locator('[data-testid="error-banner"]');
  await banner.waitFor();
  assert.equal(await banner.innerText(), 'This content object is used in post-2 (Evil).');
  assert.equal((await rest.get('/api/v1/content/post/post-1')).status, 200);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(pageErrors, []);
});

test('an image from the media library goes into rich text through the toolbar and is stored as <img>', async () => {
  const up = await rest.upload('sunset.png', png(120, 80, [220, 60, 40]));
  assert.equal(up.status, 200, up.body);
  const m = up.body;
  const alt = await fetch(hl.url + '/api/v1/content/_media/' + m.id, {
    method: 'PATCH',
    headers: { 'X-AUTH-TOKEN': rest.key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ alt: 'A red "sunset" <b>' }),
  });
  assert.equal(alt.status, 200);
  const src = `/image/0x0/${m.id}.${m.extension}`;

  await page.goto(hl.url + '/#/content/post/new');
  await page.locator('[data-testid="field-title"] input').fill('Pictured');
  const ed = page.locator('[data-testid="richtext-content"]');
  await ed.click();
  await page.keyboard.type('Before the picture');
  await page.click('[data-testid="rt-image"]');
  const picker = page.locator('[data-testid="media-picker"]');
  await picker.locator(`[data-testid="media-card"][data-id="${m.id}"]`).click();
  await picker.locator('[data-testid="picker-done"]').click();
  await picker.waitFor({ state: 'detached' });
  await ed.locator(`img[src="${src}"]`).waitFor();
  await page.click('[data-testid="object-save"]');
  await page.waitForFunction(() => /#\/content\/post\/post-/.test(location.hash));
  const id = decodeURIComponent(page.url().split('#/content/post/')[1]);
  const obj = (await rest.get('/api/v1/content/post/' + encodeURIComponent(id))).body;
  assert.equal(obj.body, `<p>Before the picture</p><img src="${src}" alt="A red &quot;sunset&quot; &lt;b&gt;">`);

  // Opened again, the editor shows the stored picture, loaded from the library.
  await page.reload();
  const img = ed.locator('img');
  await img.waitFor();
  assert.equal(await img.getAttribute('src'), src);
  assert.equal(await img.getAttribute('alt'), 'A red "sunset" <b>');
  await page.waitForFunction(() => document.querySelector('[data-testid="richtext-content"] img')?.naturalWidth === 120);

  // DOMPurify keeps a relative /image src and drops a javascript: one.
  await rest.post('/api/v1/content/post', { id: 'post-img', title: 'Two images', body: `<img src="${src}" alt="ok"><img src="javascript:window.__pwned=6" alt="bad">` });
  await page.goto(hl.url + '/#/content/post/post-img');
  await ed.locator('img[alt="ok"]').waitFor();
  const srcs = await ed.locator('img').evaluateAll((els) => els.map((e) => e.getAttribute('src')));
  assert.ok(srcs.includes(src), JSON.stringify(srcs));
  assert.ok(srcs.every((s) => !s || !/^javascript:/i.test(s)), JSON.stringify(srcs));
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(pageErrors, []);
});
