import { fromHttp, unreachable } from './errors';

/**
 * The browser transport, used under `hookline serve`. The page that the
 * server renders carries a per-launch session token in a meta tag; only our
 * own origin can read that page, so a foreign page cannot borrow the token.
 */
export class HttpTransport {
  constructor(
    private readonly session: string,
    private readonly base = '',
    private readonly fetcher: typeof fetch = (...a) => fetch(...a),
    /**
     * An API key, used only when the page carries no session token: the
     * server hands the token to loopback clients only, so a browser on
     * another machine (serve --allow-remote) signs in with a key.
     */
    private readonly apiKey = '',
  ) {}

  private credentials(): Record<string, string> {
    return this.session ? { 'X-Hookline-Session': this.session } : { 'X-AUTH-TOKEN': this.apiKey };
  }

  async request<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
    return (await this.exchange<T>(method, path, body, extra)).data;
  }

  /** Like request, with the response's ETag (a version for If-Match; '' when none). */
  async exchange<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<{ data: T; etag: string }> {
    // The UI is an editor: it sees drafts of Draft & Public types, as
    // Flotiq's panel does with X-MODE: preview.
    const headers: Record<string, string> = { ...extra, ...this.credentials(), 'X-MODE': 'preview' };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await this.fetcher(this.base + path, init);
    } catch (e) {
      throw unreachable(this.base + path, e);
    }
    const etag = res.headers?.get?.('ETag') ?? '';
    if (res.status === 204) return { data: undefined as T, etag };
    const text = await res.text();
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (!res.ok) throw fromHttp(res.status, data);
    return { data: data as T, etag };
  }

  /** Opens the Server-Sent Events stream; returns a function that closes it. */
  subscribe(onEvent: (type: string, data: unknown) => void): () => void {
    const cred = this.session ? `session=${encodeURIComponent(this.session)}` : `auth_token=${encodeURIComponent(this.apiKey)}`;
    const url = `${this.base}/api/ui/events?${cred}`;
    const src = new EventSource(url);
    const types = ['delivery', 'content', 'webhook', 'inbox', 'resync'];
    for (const t of types) {
      src.addEventListener(t, (e) => {
        const raw = (e as MessageEvent).data;
        let data: unknown = raw;
        try {
          data = JSON.parse(raw);
        } catch {
          /* keep raw */
        }
        onEvent(t, data);
      });
    }
    return () => src.close();
  }
}

/** Reads the session token the server put into the page. */
export function sessionFromPage(doc: Document): string {
  return doc.querySelector('meta[name="hookline-session"]')?.getAttribute('content') ?? '';
}
