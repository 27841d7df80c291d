/**
 * The two ways to reach the backend. Every area module (index.ts,
 * webhooks.ts, inbox.ts) calls `bound` inside the desktop window and
 * `http()` in a browser under `hookline serve`.
 */
import { fromWails } from './errors';
import { HttpTransport, sessionFromPage } from './http';

interface WailsWindow {
  go?: { main?: { App?: unknown } };
}

/** True inside the Wails window. */
export const isDesktop = typeof window !== 'undefined' && !!(window as unknown as WailsWindow).go?.main?.App;

let httpTransport: HttpTransport | null = null;
const keyStorage = 'hookline-api-key';

/** The browser transport, created on first use from the page's session token. */
export function http(): HttpTransport {
  if (!httpTransport) {
    httpTransport = new HttpTransport(sessionFromPage(document), '', undefined, sessionStorage.getItem(keyStorage) ?? '');
  }
  return httpTransport;
}

/** True when the page has no session token: a remote browser must sign in with a key. */
export function needsApiKey(): boolean {
  return !isDesktop && typeof document !== 'undefined' && sessionFromPage(document) === '';
}

/** Remembers an API key for this browser tab (remote browsers only). */
export function useApiKey(key: string): void {
  sessionStorage.setItem(keyStorage, key);
  httpTransport = null;
}

/**
 * Calls a bound Go method, turning its rejection into an ApiError. The
 * result is typed by the caller: the generated Wails models describe the Go
 * structs, while the API types describe the JSON both transports return.
 */
export async function bound<T>(fn: () => Promise<unknown>): Promise<T> {
  try {
    return (await fn()) as T;
  } catch (e) {
    throw fromWails(e);
  }
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
