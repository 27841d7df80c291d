// Layout, end to end: every screen at the window's minimum width (880 px),
// at 1200 and at 1600 px, in the light and the dark theme. For each, the
// main controls must be on screen and not covered (document.elementFromPoint
// at their centre hits them), nothing may scroll sideways, and below 1200 px
// the webhook's logs sit under its form. Screenshots go to build/screens/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHookline } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { restClient } from '../lib/rest.mjs';
import { png } from '../lib/png.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'screens');
let hl, browser, rest, webhookId, objectPath;
const pageErrors = [];

before(async () => {
  mkdirSync(out, { recursive: true });
  hl = await startHookline();
  browser = await launchBrowser();
  rest = await restClient(hl.url);
  const page = await browser.newPage();
  await page.goto(hl.url + '/');
  await page.click('[data-testid="load-demo"]');
  await page.waitForSelector('[data-testid="logs-sidebar"]');
  await page.close();
  const hooks = await rest.get('/api/v1/content/_webhooks');
  webhookId = hooks.body.data[0].id;
  const types = await rest.get('/api/v1/internal/contenttype?internal=0&order_by=name');
  const type = types.body.data[0].name;
  const objs = await rest.get(`/api/v1/content/${type}`);
  objectPath = `${type}/${objs.body.data[0].id}`;
  // Some deliveries to show, one of them failing and retrying.
  await rest.post('/api/v1/content/_webhooks', {
    name: 'Unreachable receiver', url: 'http://127.0.0.1:9/hook', enabled: true, type: 'async',
    actions: [{ action: 'Update' }], content_type_definitions: [], headers: [],
  });
  await rest.put(`/api/v1/content/${objectPath}`, objs.body.data[0]);
  // One image for the media library's grid.
  const up = await rest.upload('layout.png', png(240, 160, [40, 120, 200]));
  assert.equal(up.status, 200, up.body);
});
after(async () => {
  await browser?.close();
  await hl?.stop();
});

/** Each screen: its hash and the controls a person needs there. */
const screens = () => [
  { name: 'content', hash: '#/content', controls: ['[data-testid="content-type-link"]', 'nav a[href="#/deliveries"]'] },
  { name: 'objects', hash: '#/content/' + objectPath.split('/')[0], controls: ['[data-testid="new-object"]', '[data-testid="object-search"]', '[data-testid="object-link"]'] },
  { name: 'object', hash: '#/content/' + objectPath, controls: ['[data-testid="object-save"]', '[data-testid="object-delete"]', '[data-testid="toggle-versions"]'] },
  { name: 'types', hash: '#/types', controls: ['[data-testid="new-type"]', '[data-testid="type-row"]'] },
  { name: 'media', hash: '#/media', controls: ['[data-testid="upload-button"]', '[data-testid="media-search"]', '[data-testid="media-kind"]', '[data-testid="media-card"]'] },
  { name: 'webhooks', hash: '#/webhooks', controls: ['[data-testid="add-webhook"]', '[data-testid="enabled-toggle"]'] },
  { name: 'webhook', hash: '#/webhooks/' + encodeURIComponent(webhookId), controls: ['[data-testid="wh-save"]', '[data-testid="wh-send-test"]', '[data-testid="wh-url"]', '[data-testid="logs-refresh"]'] },
  { name: 'deliveries', hash: '#/deliveries', controls: ['[data-testid="retry-failed"]', '[data-testid="recover"]', '[data-testid="f-status"]', '[data-testid="f-search"]', '[data-testid="delivery-row"]'] },
  { name: 'inbox', hash: '#/inbox/demo', controls: ['[data-testid="inbox-new"]', '[data-testid="inbox-clear"]', '[data-testid="request-item"]'] },
  { name: 'settings', hash: '#/settings', controls: ['[data-testid="set-save"]', '[data-testid="key-rw"]'] },
];

/** Scrolls el into view and reports whether its centre is el itself (or inside it). */
async function uncovered(page, selector) {
  const el = page.locator(selector).first();
  await el.waitFor({ timeout: 10000 });
  await el.scrollIntoViewIfNeeded();
  return el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return `zero size ${r.width}x${r.height}`;
    if (r.right > window.innerWidth + 1 || r.left < -1) return `off screen horizontally (${r.left}..${r.right} of ${window.innerWidth})`;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit) return 'nothing at its centre';
    return node === hit || node.contains(hit) || hit.contains(node) ? true : `covered by <${hit.tagName.toLowerCase()} class="${hit.className}">`;
  });
}

for (const scheme of ['light', 'dark']) {
  for (const width of [880, 1200, 1600]) {
    test(`every screen at ${width} px, ${scheme}`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 860 }, colorScheme: scheme });
      page.on('pageerror', (e) => pageErrors.push(`${width} ${scheme}: ${e.message}`));
      try {
        for (const s of screens()) {
          await page.goto(hl.url + '/' + s.hash);
          await page.waitForSelector('.shell[data-connected="yes"]');
          for (const c of s.controls) {
            assert.equal(await uncovered(page, c), true, `${s.name} at ${width} ${scheme}: ${c}`);
          }
          const sideways = await page.evaluate(() => {
            const m = document.querySelector('main');
            return m.scrollWidth - m.clientWidth;
          });
          assert.ok(sideways <= 1, `${s.name} at ${width} ${scheme} scrolls sideways by ${sideways}px`);
          if (s.name === 'inbox') {
            // Each row sums up a Hookline payload in one line.
            assert.match(await page.locator('[data-testid="request-summary"]').first().innerText(), /^(Create|Update) · (product|blogpost)\/\S+$/);
          }
          if (s.name === 'webhook') {
            const [form, logs] = await Promise.all(['[data-testid="webhook-form"]', '[data-testid="logs-sidebar"]'].map((q) => page.locator(q).boundingBox()));
            if (width < 1200) assert.ok(logs.y >= form.y + form.height - 1, `logs must be under the form at ${width}`);
            else assert.ok(logs.x >= form.x + form.width - 1, `logs must be beside the form at ${width}`);
          }
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
          await page.screenshot({ path: join(out, `${s.name}-${width}-${scheme}.png`) });
        }
      } finally {
        await page.close();
      }
    });
  }
}

test('no page errors on any screen', () => {
  assert.deepEqual(pageErrors, []);
});
