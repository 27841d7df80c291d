import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InboxRequest } from './api/inbox';
import { curlFor } from './api/webhooks';
import { toCurl } from '../screens/inbox/format';
import { hasPasteHazard, shellWord, utf8Base64 } from './shell';

// Each generated command runs for real, in sh and in bash, with `curl`
// replaced by a function that prints every argument it got (NUL-separated)
// and then what it read on stdin. The test then knows exactly which words
// the shell made of the command, and that nothing else ran: the hostile
// inputs try to create a file named pwned in the working folder.
const fakeCurl = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; printf 'STDIN\\0'; cat; }\n`;
const dir = mkdtempSync(join(tmpdir(), 'hookline-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(shell: string, cmd: string): { argv: string[]; stdin: string } {
  const r = spawnSync(shell, ['-c', fakeCurl + cmd], { cwd: dir, input: '', encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const parts = r.stdout.split('\0');
  const at = parts.indexOf('STDIN');
  expect(at).toBeGreaterThanOrEqual(0);
  return { argv: parts.slice(0, at), stdin: parts.slice(at + 1).join('\0') };
}

function expectRuns(cmd: string, argv: string[], stdin = '') {
  // Pasted text must hold nothing a terminal acts on (Ctrl-U, ESC…).
  expect(hasPasteHazard(cmd)).toBe(false);
  for (const shell of ['sh', 'bash']) {
    const got = run(shell, cmd);
    expect(got.argv, shell).toEqual(argv);
    expect(got.stdin, shell).toBe(stdin);
    expect(readdirSync(dir), `${shell} ran something`).toEqual([]);
  }
  expect(existsSync(join(dir, 'pwned'))).toBe(false);
}

function req(over: Partial<InboxRequest>): InboxRequest {
  return {
    id: 'req_1', inbox: 'evil', n: 1, number: 1, summary: '', method: 'POST', path: '/', query: '', contentType: '',
    bodySize: 0, truncated: false, remoteAddr: '127.0.0.1:1', receivedAt: '2026-01-01T00:00:00Z',
    signature: 'unchecked', signatureReason: '', responseStatus: 200, failure: '', abandonedAfterMs: null,
    headers: {}, body: '', bodyEncoding: 'utf8', roll: -1,
    response: { status: 200, headers: {}, body: '', delayMs: 0 },
    ...over,
  };
}

const base = 'http://127.0.0.1:8717';

describe('shellWord', () => {
  it.each([
    ['plain', 'abc'],
    ['quote', `it's`],
    ['substitution', '$(touch pwned)`touch pwned`'],
    ['backslashes', '\\\\n \\0101 %s %b'],
    ['newlines', 'a\nb\n\n'],
    ['escape sequence', 'a\u001b[201~;touch pwned\n'],
    ['Ctrl-U and a trailing newline', '\u0015touch pwned\n'],
    ['C1 control and unicode', 'x\u009b2Jé€😀'],
    ['only control characters', '\u0007\u0008'],
  ])('expands to exactly the string: %s', (_, s) => {
    expectRuns(`curl ${shellWord(s)}`, [s]);
  });
});

describe('inbox Copy as cURL (toCurl)', () => {
  it("quotes the method: X' with a ;touch body stays one request", () => {
    const cmd = toCurl(base, req({ method: "X'", body: ';touch pwned;#' }));
    expectRuns(cmd, ['-X', "X'", `${base}/inbox/evil`, '--data-raw', ';touch pwned;#']);
  });

  it('keeps hostile headers, paths, queries and bodies as single arguments', () => {
    const cmd = toCurl(base, req({
      method: 'PUT;touch pwned',
      path: "/a'$(touch pwned)",
      query: "q='b;touch pwned`touch pwned`",
      headers: {
        "X-A'b": ["v'; touch pwned; echo '"],
        'X-Sub': ['$(touch pwned) `touch pwned` ${HOME}'],
        'X-Esc': ['\u001b]0;title\u0007 \u009b'],
        Host: ['ignored'],
      },
      body: '@/etc/passwd',
    }));
    expectRuns(cmd, [
      '-X', 'PUT;TOUCH PWNED',
      `${base}/inbox/evil/a'$(touch pwned)?q='b;touch pwned\`touch pwned\``,
      '-H', "X-A'b: v'; touch pwned; echo '",
      '-H', 'X-Sub: $(touch pwned) `touch pwned` ${HOME}',
      '-H', 'X-Esc: \u001b]0;title\u0007 \u009b',
      '--data-raw', '@/etc/passwd',
    ]);
  });

  it('pipes a body holding control characters through base64, byte for byte', () => {
    const body = 'ok\u0015touch pwned\n\u001b[201~\ntouch pwned\n\u0000end';
    const cmd = toCurl(base, req({ body }));
    expectRuns(cmd, ['-X', 'POST', `${base}/inbox/evil`, '--data-binary', '@-'], body);
  });

  it('pipes a binary body through base64', () => {
    const cmd = toCurl(base, req({ body: utf8Base64('é\n;touch pwned'), bodyEncoding: 'base64', truncated: true }));
    expectRuns(cmd, ['-X', 'POST', `${base}/inbox/evil`, '--data-binary', '@-'], 'é\n;touch pwned');
  });
});

describe('log detail Copy as cURL (curlFor)', () => {
  it('quotes the method, URL, headers and body', () => {
    const cmd = curlFor({
      method: "POST'$(touch pwned)",
      url: "http://h/x?'`touch pwned`",
      headers: [{ name: 'Auth', value: "t'; touch pwned #" }, { name: 'Content-Length', value: '3' }],
      body: `{"a":"'; touch pwned; '"}`,
    });
    expectRuns(cmd, [
      '-X', "POST'$(touch pwned)", "http://h/x?'`touch pwned`",
      '-H', "Auth: t'; touch pwned #",
      '--data-raw', `{"a":"'; touch pwned; '"}`,
    ]);
  });

  it('pipes a body with control characters through base64', () => {
    const body = '{"a":"\u0015touch pwned\n"}';
    const cmd = curlFor({ method: 'POST', url: 'http://h/', headers: [], body });
    expectRuns(cmd, ['-X', 'POST', 'http://h/', '--data-binary', '@-'], body);
  });
});
