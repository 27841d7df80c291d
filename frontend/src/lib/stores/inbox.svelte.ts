/**
 * The inbox area: the list of inboxes and the live request stream of the
 * one being looked at. Live updates come from "inbox" events (Wails events
 * in the window, Server-Sent Events in the browser); nothing polls.
 */
import { api, subscribe } from '../api';
import {
  inboxApi,
  type Inbox,
  type InboxEvent,
  type InboxInput,
  type InboxRequest,
  type InboxRequestSummary,
  type ReplayResult,
} from '../api/inbox';

/** Requests fetched per page of the stream. */
const PAGE = 50;

class InboxStore {
  list = $state<Inbox[]>([]);
  loaded = $state(false);
  error = $state<unknown>(null);
  /** Base URL of this Hookline's HTTP server, for inbox URLs. */
  apiUrl = $state('');

  /** The inbox whose requests are shown, and those requests, newest first. */
  current = $state<string | null>(null);
  requests = $state<InboxRequestSummary[]>([]);
  total = $state(0);
  requestsLoading = $state(false);
  private pages = 0;
  private users = 0;
  private unsubscribe: (() => void) | null = null;

  /** Starts listening for live events; returns a function that stops. */
  start(): () => void {
    if (this.users++ === 0) {
      this.unsubscribe = subscribe((type, data) => this.onEvent(type, data));
      // Events were missed while nobody listened: forget what is shown so
      // the next select() reloads instead of showing a stale stream.
      this.current = null;
    }
    return () => {
      if (--this.users === 0) {
        this.unsubscribe?.();
        this.unsubscribe = null;
      }
    };
  }

  async load(): Promise<void> {
    this.error = null;
    try {
      const [list, info] = await Promise.all([inboxApi.list(), this.apiUrl ? null : api.info()]);
      this.list = list;
      if (info) this.apiUrl = info.apiUrl;
      this.loaded = true;
    } catch (e) {
      this.error = e;
    }
  }

  /** Shows name's requests from the newest; null shows none. */
  async select(name: string | null): Promise<void> {
    if (name === this.current) return;
    await this.reload(name);
  }

  /** Shows name's requests from the newest, even if it is already shown. */
  async reload(name: string | null): Promise<void> {
    this.current = name;
    this.requests = [];
    this.total = 0;
    this.pages = 0;
    if (name) await this.more();
  }

  /** Loads the next page of older requests. */
  async more(): Promise<void> {
    const name = this.current;
    if (!name || this.requestsLoading) return;
    this.requestsLoading = true;
    try {
      const page = await inboxApi.requests(name, this.pages + 1, PAGE);
      if (name !== this.current) return;
      const seen = new Set(this.requests.map((r) => r.id));
      this.requests = [...this.requests, ...page.data.filter((r) => !seen.has(r.id))];
      this.total = page.total_count;
      this.pages++;
    } catch (e) {
      this.error = e;
    } finally {
      this.requestsLoading = false;
    }
  }

  get hasMore(): boolean {
    return this.requests.length < this.total;
  }

  /** Creates (original = null) or replaces an inbox. */
  async save(input: InboxInput, original: string | null): Promise<Inbox> {
    const saved = original ? await inboxApi.update(original, input) : await inboxApi.create(input);
    this.upsert(saved);
    return saved;
  }

  async remove(name: string): Promise<void> {
    await inboxApi.remove(name);
    this.list = this.list.filter((i) => i.name !== name);
    if (this.current === name) await this.select(null);
  }

  async clear(name: string): Promise<void> {
    await inboxApi.clear(name);
    this.cleared(name);
  }

  request(name: string, id: string): Promise<InboxRequest> {
    return inboxApi.request(name, id);
  }

  replay(name: string, id: string, url: string): Promise<ReplayResult> {
    return inboxApi.replay(name, id, url);
  }

  private upsert(ib: Inbox) {
    const i = this.list.findIndex((x) => x.name === ib.name);
    if (i >= 0) this.list[i] = ib;
    else this.list = [...this.list, ib].sort((a, b) => a.name.localeCompare(b.name));
  }

  private cleared(name: string) {
    const ib = this.list.find((x) => x.name === name);
    if (ib) {
      ib.requestCount = 0;
      ib.lastRequestAt = null;
    }
    if (this.current === name) {
      this.requests = [];
      this.total = 0;
    }
  }

  private onEvent(type: string, data: unknown) {
    if (type === 'resync') {
      // Events were dropped: reload rather than show a stale stream.
      void this.load();
      void this.reload(this.current);
      return;
    }
    if (type !== 'inbox' || !data) return;
    const e = data as InboxEvent;
    switch (e.kind) {
      case 'request': {
        const r = e.request;
        if (!r) return;
        const ib = this.list.find((x) => x.name === e.inbox);
        if (ib) {
          ib.requestCount += 1;
          ib.received = r.n;
          ib.lastRequestAt = r.receivedAt;
        }
        if (this.current === e.inbox && !this.requests.some((x) => x.id === r.id)) {
          this.requests = [r, ...this.requests];
          this.total += 1;
        }
        break;
      }
      case 'request_updated': {
        const r = e.request;
        if (r && this.current === e.inbox) {
          const i = this.requests.findIndex((x) => x.id === r.id);
          if (i >= 0) this.requests[i] = r;
        }
        break;
      }
      case 'saved':
        inboxApi.get(e.inbox).then((ib) => this.upsert(ib), () => {});
        break;
      case 'deleted':
        this.list = this.list.filter((i) => i.name !== e.inbox);
        if (this.current === e.inbox) void this.select(null);
        break;
      case 'cleared':
        this.cleared(e.inbox);
        break;
    }
  }
}

export const inboxes = new InboxStore();
