/**
 * The only module that talks to the backend. Inside the desktop window it
 * calls the Wails-bound Go methods; in a browser under `hookline serve` it
 * calls the HTTP API. Screens and stores import from here and never know
 * which transport is in use.
 */
import * as Bound from '../../../wailsjs/go/main/App';
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import { fromWails } from './errors';
import { HttpTransport, sessionFromPage } from './http';
import type { Info, KeySet } from './types';

export * from './types';
export { ApiError } from './errors';

interface WailsWindow {
  go?: { main?: { App?: unknown } };
}

/** True inside the Wails window. */
export const isDesktop = typeof window !== 'undefined' && !!(window as unknown as WailsWindow).go?.main?.App;

let httpTransport: HttpTransport | null = null;
function http(): HttpTransport {
  if (!httpTransport) httpTransport = new HttpTransport(sessionFromPage(document));
  return httpTransport;
}

/** Calls a bound method, turning its rejection into an ApiError. */
async function bound<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw fromWails(e);
  }
}

export const api = {
  info(): Promise<Info> {
    return isDesktop ? bound(() => Bound.Info() as Promise<Info>) : http().request('GET', '/api/ui/info');
  },
  keys(): Promise<KeySet> {
    return isDesktop ? bound(() => Bound.Keys() as Promise<KeySet>) : http().request('GET', '/api/ui/keys');
  },
  regenerateKey(which: 'readWrite' | 'readOnly'): Promise<KeySet> {
    return isDesktop
      ? bound(() => Bound.RegenerateKey(which) as Promise<KeySet>)
      : http().request('POST', `/api/ui/keys/${which}`);
  },
};

/** Subscribes to live events (Wails events or SSE); returns an unsubscribe. */
export function subscribe(onEvent: (type: string, data: unknown) => void): () => void {
  if (isDesktop) {
    const offs = ['delivery', 'content', 'webhook', 'inbox', 'resync'].map((t) =>
      EventsOn(`hookline:${t}`, (data: unknown) => onEvent(t, data)),
    );
    return () => offs.forEach((off) => off());
  }
  return http().subscribe(onEvent);
}
