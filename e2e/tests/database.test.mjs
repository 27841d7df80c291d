// Settings' Database panel against the real binary: a bad URL is refused
// with a clear error and nothing saved; then (in the PostgreSQL pass of
// make test-e2e) the real server's URL is tested and saved, the process is
// restarted on the same data folder and runs on PostgreSQL, and "Use SQLite
// again" plus another restart bring SQLite back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHookline, testDatabase } from '../lib/hookline.mjs';
import { launchBrowser } from '../lib/browser.mjs';

const onPostgres = process.env.HOOKLINE_E2E_ENGINE === 'postgres' && !!process.env.HOOKLINE_TEST_POSTGRES;
let browser, page;
const pageErrors = [];

before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
after(async () => {
  await browser?.close();
});

/** A loopback port with nothing listening on it. */
async function closedPort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

async function openSettings(hl) {
  await page.goto(hl.url + '/#/settings');
  await page.waitForSelector('[data-testid="db-engine"]');
}

const panel = () => page.locator('[data-testid="database-settings"]');
const text = async (id) => (await page.locator(`[data-testid="${id}"]`).textContent()).replace(/\s+/g, " ").trim();

test('a bad URL is refused with a clear error, and nothing is saved', async () => {
  const hl = await startHookline({ database: null });
  try {
    await openSettings(hl);
    assert.equal(await text('db-engine'), 'SQLite');
    assert.match(await text('db-location'), /hookline\.db$/);
    assert.match(await text('db-source'), /default/);
    assert.equal(await page.locator('[data-testid="db-restart-needed"]').count(), 0);
    assert.ok(await page.locator('[data-testid="db-test"]').isDisabled(), 'Test is enabled with no URL');

    await page.fill('[data-testid="db-url"]', 'mysql://u@127.0.0.1/db');
    await page.click('[data-testid="db-test"]');
    await page.waitForSelector('[data-testid="database-settings"] [data-testid="field-error"]');
    assert.match(await panel().locator('[data-testid="field-error"]').textContent(), /must be a PostgreSQL URL/);

    const port = await closedPort();
    await page.fill('[data-testid="db-url"]', `postgres://hook@127.0.0.1:${port}/db?sslmode=disable`);
    await page.fill('[data-testid="db-password"]', 'Sup3r-Secret-e2e');
    assert.equal(await panel().locator('[data-testid="field-error"]').count(), 0, 'typing keeps the old error');
    await page.click('[data-testid="db-test"]');
    await page.waitForSelector('[data-testid="database-settings"] [data-testid="field-error"]');
    const err = await panel().locator('[data-testid="field-error"]').textContent();
    assert.match(err, /cannot connect/);
    assert.ok(!err.includes('Sup3r-Secret-e2e'), 'the error repeats the password');
    assert.match(err, new RegExp(`127\\.0\\.0\\.1:${port}.*connection refused`));
    await page.waitForSelector('[data-sonner-toast][data-type="error"]');

    await page.click('[data-testid="db-save"]');
    await page.waitForFunction(() => !document.querySelector('[data-testid="db-url"]')?.disabled);
    assert.match(await panel().locator('[data-testid="field-error"]').textContent(), /cannot connect/);
    assert.equal(await page.locator('[data-testid="db-restart-needed"]').count(), 0);
    assert.ok(!existsSync(join(hl.dataDir, 'database.json')), 'a refused URL was saved');
    assert.deepEqual(pageErrors, []);
  } finally {
    await hl.stop();
  }
});

test(
  'Settings switch the data folder to PostgreSQL after a restart, and back to SQLite',
  { skip: !onPostgres && 'needs the PostgreSQL pass: HOOKLINE_E2E_ENGINE=postgres with HOOKLINE_TEST_POSTGRES (make test-e2e runs it)' },
  async () => {
    const db = testDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-e2e-db-'));
    const u = new URL(db.url);
    const password = decodeURIComponent(u.password);
    u.password = '';
    const schema = u.searchParams.get('search_path');
    let hl = await startHookline({ dataDir, database: null });
    try {
      await openSettings(hl);
      assert.equal(await text('db-engine'), 'SQLite');

      // Test: the server's version, and nothing changed in the database.
      await page.fill('[data-testid="db-url"]', u.toString());
      await page.fill('[data-testid="db-password"]', password);
      await page.click('[data-testid="db-test"]');
      await page.waitForSelector('[data-testid="db-test-result"]');
      const result = await text('db-test-result');
      assert.match(result, /Connected\. PostgreSQL \d+/);
      assert.match(result, new RegExp(`schema ${schema}: no Hookline data yet`));
      const tables = () => execFileSync('psql', [process.env.HOOKLINE_TEST_POSTGRES, '-tAc', `SELECT count(*) FROM pg_tables WHERE schemaname = '${schema}'`]).toString().trim();
      assert.equal(tables(), '0', 'the test created tables');

      // Save: a notice that stays until the restart, a private file, no password on the page.
      await page.click('[data-testid="db-save"]');
      await page.waitForSelector('[data-testid="db-restart-needed"]');
      assert.match(await text('db-restart-needed'), /PostgreSQL postgres:\/\/hookline:xxxxx@.*Restart Hookline to switch/);
      assert.equal(statSync(join(dataDir, 'database.json')).mode & 0o777, 0o600);
      assert.ok(!(await page.content()).includes(password), 'the password is on the page');
      await page.reload();
      await page.waitForSelector('[data-testid="db-restart-needed"]');
      assert.equal(await text('db-engine'), 'SQLite', 'switched before a restart');

      await hl.stop();
      hl = await startHookline({ dataDir, database: null });
      await openSettings(hl);
      assert.equal(await text('db-engine'), 'PostgreSQL');
      assert.match(await text('db-location'), /^postgres:\/\/hookline:xxxxx@/);
      assert.match(await text('db-source'), /Settings \(.*database\.json\)/);
      assert.equal(await page.locator('[data-testid="db-restart-needed"]').count(), 0);
      assert.ok(Number(tables()) > 0, 'Hookline did not create its tables in PostgreSQL');
      assert.ok(!hl.output().includes(password), 'the password reached the log');

      // Back to SQLite: saved for the next start, then applied by it.
      await page.click('[data-testid="db-use-sqlite"]');
      await page.waitForSelector('[data-testid="db-restart-needed"]');
      assert.match(await text('db-restart-needed'), /SQLite in the data folder\. Restart Hookline to switch/);
      assert.ok(!existsSync(join(dataDir, 'database.json')));
      await hl.stop();
      hl = await startHookline({ dataDir, database: null });
      await openSettings(hl);
      assert.equal(await text('db-engine'), 'SQLite');
      assert.match(await text('db-location'), /hookline\.db$/);
      assert.deepEqual(pageErrors, []);
    } finally {
      await hl.stop();
      db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);

test(
  'a database pinned by HOOKLINE_DATABASE_URL cannot be changed in Settings',
  { skip: !onPostgres && 'needs the PostgreSQL pass: HOOKLINE_E2E_ENGINE=postgres with HOOKLINE_TEST_POSTGRES' },
  async () => {
    const db = testDatabase();
    const hl = await startHookline({ database: null, env: { HOOKLINE_DATABASE_URL: db.url } });
    try {
      await openSettings(hl);
      assert.equal(await text('db-engine'), 'PostgreSQL');
      assert.match(await text('db-pinned'), /HOOKLINE_DATABASE_URL/);
      assert.equal(await page.locator('[data-testid="db-form"]').count(), 0);
    } finally {
      await hl.stop();
      db.drop();
    }
  },
);
