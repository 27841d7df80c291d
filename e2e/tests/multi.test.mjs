// Several `hookline serve` instances on one PostgreSQL database: a change
// made through instance A shows its delivery live in a browser connected to
// instance B, without a reload. Needs HOOKLINE_TEST_POSTGRES (make test-e2e
// runs it inside a throwaway cluster); without it the test is skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHookline, testDatabase } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { restClient } from '../lib/rest.mjs';
import { startReceiver } from '../lib/receiver.mjs';

const shared = process.env.HOOKLINE_TEST_POSTGRES ? 'postgres' : '';
let db, a, b, browser, page, receiver;
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

async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  if (!shared) return;
  db = testDatabase({ force: true });
  receiver = await startReceiver();
  a = await startHookline({ database: db, args: ['--instance', 'A'] });
  b = await startHookline({ database: db, args: ['--instance', 'B'] });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
after(async () => {
  await browser?.close();
  await a?.stop();
  await b?.stop();
  await receiver?.close();
  db?.drop();
});

test('a change through A shows its delivery live on B', { skip: !shared && 'needs HOOKLINE_TEST_POSTGRES' }, async () => {
  const restA = await restClient(a.url);
  assert.equal((await restA.post('/api/v1/internal/contenttype', product)).status, 200);
  const hook = await restA.post('/api/v1/content/_webhooks', {
    name: 'Shared receiver', url: receiver.url + '/hook', enabled: true, type: 'async',
    actions: [{ action: 'Create' }], content_type_definitions: [], headers: [],
  });
  assert.equal(hook.status, 200, JSON.stringify(hook.body));

  // B's Deliveries screen is open, and empty, before the change is made.
  await page.goto(b.url + '/#/deliveries');
  const rows = page.locator('[data-testid="delivery-row"]');
  await page.waitForSelector('[data-testid="f-status"]');
  assert.equal(await rows.count(), 0);

  assert.equal((await restA.post('/api/v1/content/product', { id: 'product-77', name: 'Made on A' })).status, 200);
  const req = await receiver.waitFor((r) => r.url === '/hook');
  const sender = /\((A|B)\)$/.exec(req.headers['user-agent'])?.[1];
  console.log(`live across instances: the delivery was sent by instance ${sender}; B's screen shows it without a reload`);

  // No reload: the row arrives through B's live events, and turns done.
  const done = page.locator('[data-testid="delivery-row"][data-status="done"]');
  await until('the delivery done on B', async () => (await done.count()) === 1);
  assert.match(await done.first().innerText(), /product-77/);
  assert.deepEqual(pageErrors, []);
});
