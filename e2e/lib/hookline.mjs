// Starts the real `hookline serve` binary on a free port with a fresh data
// folder, and stops it again. Every end-to-end test talks to a real process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binary = process.env.HOOKLINE_BIN ?? join(root, 'build', 'bin', 'hookline');

/**
 * @param {{args?: string[], env?: Record<string,string>, dataDir?: string}} [opts]
 * @returns {Promise<{url: string, dataDir: string, proc: import('node:child_process').ChildProcess, output: () => string, stop: (signal?: string) => Promise<number|null>}>}
 */
export async function startHookline(opts = {}) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hookline-e2e-'));
  const proc = spawn(binary, ['serve', '--addr', '127.0.0.1:0', '--data', dataDir, ...(opts.args ?? [])], {
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
      return code;
    },
  };
}
