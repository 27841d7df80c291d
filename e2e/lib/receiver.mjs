// A real webhook receiver on loopback for end-to-end tests: it records every
// request and can be told to answer slowly or to fail the next requests.
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';

export async function startReceiver() {
  const requests = [];
  const waiters = [];
  let delayMs = 0;
  let failNext = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const entry = { method: req.method, url: req.url, headers: req.headers, body, at: Date.now() };
      requests.push(entry);
      for (const w of [...waiters]) if (w.check()) waiters.splice(waiters.indexOf(w), 1);
      const answer = () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end('{"error":"failing on purpose"}');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"message":"Hook received!"}');
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    setDelay: (ms) => (delayMs = ms),
    failNext: (n) => (failNext = n),
    /** Resolves with the first request that pred accepts (waiting up to timeoutMs). */
    waitFor(pred, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const found = requests.find(pred);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error('receiver: no matching request in time; got ' + requests.length)), timeoutMs);
        waiters.push({
          check: () => {
            const f = requests.find(pred);
            if (f) {
              clearTimeout(timer);
              resolve(f);
              return true;
            }
            return false;
          },
        });
      });
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Checks a Standard Webhooks signature the way a receiver would. */
export function verifySignature(secret, headers, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
  const expected = 'v1,' + createHmac('sha256', key).update(signed).digest('base64');
  return (headers['webhook-signature'] ?? '').split(' ').includes(expected);
}
