/**
 * Shell quoting for the commands the UI generates ("Copy as cURL"). Every
 * part of such a command (method, URL, header names and values, body) can
 * come from a stranger: the inbox records whatever anyone sends it. So every
 * part goes through shellWord, and nothing is ever spliced in unquoted.
 */

/**
 * Characters a terminal acts on when they are pasted: C0 controls (Ctrl-U
 * erases the line typed so far, ESC starts a sequence that can end
 * bracketed paste), DEL and C1 controls. Tab and newline are left alone:
 * inside single quotes they are plain text, and JSON bodies carry them.
 */
const pasteHazard = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Whether s holds a character a terminal would act on when pasted. */
export function hasPasteHazard(s: string): boolean {
  return pasteHazard.test(s);
}

/**
 * Quotes s as one POSIX shell word that expands to exactly s.
 *
 * The common case is single quotes, inside which sh gives no character a
 * meaning; a ' itself is written as '\''. A string holding characters that a
 * terminal would act on as they are pasted is written with printf's octal
 * escapes instead, "$(printf '%b' '\0033…')", so that the pasted text holds
 * only printable characters. Command substitution drops trailing newlines,
 * so those are added back as a quoted literal after it.
 */
export function shellWord(s: string): string {
  if (!hasPasteHazard(s)) return `'${s.replace(/'/g, `'\\''`)}'`;
  const core = s.replace(/\n+$/, '');
  const tail = s.slice(core.length);
  let esc = '';
  for (const b of new TextEncoder().encode(core)) {
    const c = String.fromCharCode(b);
    if (b === 0x5c) esc += '\\\\';
    else if (b === 0x27) esc += `'\\''`;
    else if (b < 0x20 || b >= 0x7f) esc += '\\0' + b.toString(8).padStart(3, '0');
    else esc += c;
  }
  return `"$(printf '%b' '${esc}')"` + (tail ? `'${tail}'` : '');
}

/** Base64 of a string's UTF-8 bytes. */
export function utf8Base64(s: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * How a cURL command carries a body: as an argument when it is plain text,
 * else piped in through base64 (a shell word cannot hold a NUL byte, and
 * control characters are kept out of the pasted text). bodyIsBase64 says
 * body is already base64 of the bytes.
 */
export function curlData(body: string, bodyIsBase64 = false): { pipe: string; arg: string } {
  if (bodyIsBase64 || hasPasteHazard(body)) {
    const b64 = bodyIsBase64 ? body : utf8Base64(body);
    return { pipe: `printf %s ${shellWord(b64)} | base64 -d | `, arg: '--data-binary @-' };
  }
  // --data-raw, not --data-binary: a body such as "@/home/me/.ssh/id_rsa"
  // would make --data-binary upload that file.
  return { pipe: '', arg: `--data-raw ${shellWord(body)}` };
}
