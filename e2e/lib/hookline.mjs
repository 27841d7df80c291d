// Starts the real `hookline serve` binary on a free port with a fresh data
// folder, and stops it again. Every end-to-end test talks to a real process.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binary = process.env.HOOKLINE_BIN ?? join(root, 'build', 'bin', 'hookline');

/**
 * The database a test's instances use. With HOOKLINE_E2E_ENGINE=postgres
 * (and HOOKLINE_TEST_POSTGRES naming a server, as scripts/with-postgres.sh
 * sets it) each call makes a fresh PostgreSQL schema, created and dropped
 * with psql; otherwise it returns null and Hookline uses SQLite in its data
 * folder. Pass the result as `database` to every instance that shares it.
 * @returns {{url: string, drop: () => void} | null}
 */
export function testDatabase({ force = false } = {}) {
  const base = process.env.HOOKLINE_TEST_POSTGRES;
  if (!base || (!force && process.env.HOOKLINE_E2E_ENGINE !== 'postgres')) return null;
  const schema = 'e2e_' + randomBytes(6).toString('hex');
  execFileSync('psql', [base, '-q', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE SCHEMA ${schema}`]);
  const u = new URL(base);
  u.searchParams.set('search_path', schema);
  return {
    url: u.toString(),
    drop: () => execFileSync('psql', [base, '-q', '-c', 'SET client_min_messages = warning', '-c', `DROP SCHEMA IF EXISTS ${schema} CASCADE`]),
  };
}

/**
 * @param {{args?: string[], env?: Record<string,string>, dataDir?: string, database?: {url: string, drop: () => void} | null}} [opts]
 *   database: a testDatabase() to share; by default each instance gets its
 *   own (PostgreSQL with HOOKLINE_E2E_ENGINE=postgres, else SQLite).
 * @returns {Promise<{url: string, dataDir: string, proc: import('node:child_process').ChildProcess, output: () => string, stop: (signal?: string) => Promise<number|null>}>}
 */
export async function startHookline(opts = {}) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hookline-e2e-'));
  const own = opts.database === undefined ? testDatabase() : null;
  const db = opts.database ?? own;
  const dbArgs = db ? ['--database', db.url] : [];
  const proc = spawn(binary, ['serve', '--addr', '127.0.0.1:0', '--data', dataDir, ...dbArgs, ...(opts.args ?? [])], {
    env: { ...process.env, ...(opts.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hookline did not start in 15s:\n' + out)), 15000);
    const check = () => {
      const m = out.match(/Hookline listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hookline exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    dataDir,
    proc,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      const code = await exited;
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      own?.drop();
      return code;
    },
  };
}
