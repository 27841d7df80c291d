/**
 * Pure helpers for the inbox screens: cURL commands, pretty JSON that keeps
 * every literal as sent, labels. No imports with side effects, so vitest
 * runs them under node.
 */
import type { InboxRequest, InboxRequestSummary, SignatureStatus } from '../../lib/api/inbox';
import { curlData, shellWord } from '../../lib/shell';

/** The public URL of an inbox on this Hookline. */
export function inboxUrl(apiUrl: string, name: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/inbox/${encodeURIComponent(name)}`;
}

/** The route of the webhook form, filled in to point at url. */
export function newWebhookHref(url: string): string {
  return `#/webhooks/new?url=${encodeURIComponent(url)}`;
}

/** The URL a recorded request was sent to. */
export function requestUrl(apiUrl: string, req: Pick<InboxRequestSummary, 'inbox' | 'path' | 'query'>): string {
  const path = req.path === '/' ? '' : req.path;
  return inboxUrl(apiUrl, req.inbox) + path + (req.query ? '?' + req.query : '');
}

/** Quotes s for a POSIX shell (see lib/shell: the one quoting function). */
export const shellQuote = shellWord;

/**
 * Headers a cURL command should not repeat: curl computes the framing ones
 * itself, and a copied Accept-Encoding would make curl print compressed bytes.
 */
const skipInCurl = new Set([
  'host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer',
  'upgrade', 'proxy-connection', 'proxy-authorization', 'accept-encoding',
]);

/**
 * A cURL command that sends the recorded request again to the same inbox
 * URL: method, headers, and the exact body bytes (via base64 when it is not
 * text, since a shell string cannot hold every byte).
 */
export function toCurl(apiUrl: string, req: InboxRequest): string {
  const lines: string[] = [];
  // Every part is a shell word: the method, the URL, the headers and the
  // body all come from whoever sent the request.
  const method = req.method.toUpperCase();
  const url = shellWord(requestUrl(apiUrl, req));
  lines.push(method === 'HEAD' ? `curl --head ${url}` : `curl -X ${shellWord(method)} ${url}`);
  for (const [name, values] of Object.entries(req.headers)) {
    if (skipInCurl.has(name.toLowerCase())) continue;
    for (const v of values) lines.push(`-H ${shellWord(`${name}: ${v}`)}`);
  }
  let prefix = '';
  if (req.body !== '' && method !== 'HEAD') {
    const data = curlData(req.body, req.bodyEncoding === 'base64');
    prefix = data.pipe;
    lines.push(data.arg);
  }
  const cmd = prefix + lines.join(' \\\n  ');
  return req.truncated ? `# The body was cut at what the inbox keeps; this sends only that part.\n${cmd}` : cmd;
}

/**
 * Re-indents JSON text with two spaces, or returns null when text is not
 * JSON. It works on the text, not on parsed values, so numbers too large
 * for a JavaScript number and duplicate keys are shown exactly as sent.
 */
export function prettyJson(text: string): string | null {
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  let out = '';
  let depth = 0;
  let inString = false;
  const nl = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
      continue;
    }
    switch (c) {
      case ' ': case '\t': case '\n': case '\r':
        break;
      case '"':
        inString = true;
        out += c;
        break;
      case '{': case '[': {
        // Keep empty containers on one line.
        let j = i + 1;
        while (j < text.length && ' \t\n\r'.includes(text[j])) j++;
        if (text[j] === (c === '{' ? '}' : ']')) {
          out += c + text[j];
          i = j;
        } else {
          depth++;
          out += c + nl();
        }
        break;
      }
      case '}': case ']':
        depth--;
        out += nl() + c;
        break;
      case ',':
        out += ',' + nl();
        break;
      case ':':
        out += ': ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

/** Whether a content type is JSON (application/json, application/cloudevents+json, …). */
export function isJsonType(contentType: string): boolean {
  return /^application\/([\w.-]+\+)?json\b/i.test(contentType.trim());
}

export const signatureLabels: Record<SignatureStatus, string> = {
  unchecked: 'Not checked',
  verified: 'Signature verified',
  missing_headers: 'Missing headers',
  bad_signature: 'Bad signature',
  stale_timestamp: 'Timestamp too old',
};

/** The badge text, with "too far ahead" for a stale timestamp from the future. */
export function signatureLabel(status: SignatureStatus, reason = ''): string {
  if (status === 'stale_timestamp' && reason.includes('future')) return 'Timestamp in the future';
  if (status === 'unchecked' && reason.startsWith('signed')) return 'signed (no secret to check)';
  return signatureLabels[status] ?? status;
}

/** Why a scripted failure happened, in words. */
export function failureLabel(req: Pick<InboxRequestSummary, 'failure' | 'n'>): string {
  switch (req.failure) {
    case 'fail_first':
      return `Failed on purpose: request ${req.n} is among the first that fail`;
    case 'fail_rate':
      return `Failed on purpose: request ${req.n} fell under the fail rate`;
    default:
      return '';
  }
}

const units = ['B', 'KiB', 'MiB', 'GiB'];

/** 1536 → "1.5 KiB"; -1 → "unknown". */
export function formatBytes(n: number): string {
  if (n < 0) return 'unknown';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** A new Standard Webhooks secret: "whsec_" and base64 of 24 random bytes. */
export function generateSecret(random: (b: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(24));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return 'whsec_' + btoa(bin);
}

/** Form headers as rows, and back (blank names dropped). */
export function headerRows(h: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(h).map(([name, value]) => ({ name, value }));
}

export function headersFromRows(rows: { name: string; value: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) if (r.name.trim()) out[r.name.trim()] = r.value;
  return out;
}
