/**
 * Webhooks and their latest execution, kept fresh by "delivery" events
 * rather than polling.
 */
import { subscribe } from '../api';
import { webhooksApi, type LogSummary, type Webhook } from '../api/webhooks';

class WebhooksStore {
  items = $state<Webhook[]>([]);
  last = $state<Record<string, LogSummary>>({});
  loading = $state(false);
  error = $state<unknown>(null);
  /** Bumped on every delivery event, so open log lists can refresh. */
  tick = $state(0);
  lastEvent = $state<LogSummary | null>(null);
  /**
   * Custom runs started from object editors, keyed by customKey(). Kept
   * here, not in the editor, because saving a new object navigates to its
   * own URL and re-creates the editor.
   */
  customRuns = $state<Record<string, LogSummary>>({});
  private unsubscribe: (() => void) | null = null;
  /**
   * The latest status seen per log id, so a caller whose request returned
   * after the log's events (a fast receiver) still shows the newest state.
   */
  private recent = new Map<string, LogSummary>();

  /** The newest status seen for log id, if any event has reported it. */
  latest(id: string): LogSummary | undefined {
    return this.recent.get(id);
  }

  async load() {
    this.loading = true;
    this.error = null;
    try {
      const [page, last] = await Promise.all([webhooksApi.list(), webhooksApi.lastStatus()]);
      this.items = page.data;
      this.last = last ?? {};
    } catch (e) {
      this.error = e;
    } finally {
      this.loading = false;
    }
  }

  /** Starts listening for live delivery events; safe to call repeatedly. */
  listen() {
    if (this.unsubscribe) return;
    this.unsubscribe = subscribe((type, data) => {
      if (type === 'delivery' && data && typeof data === 'object') {
        const s = data as LogSummary;
        if (s.webhookId) {
          const prev = this.last[s.webhookId];
          if (!prev || prev.id === s.id || prev.createdAt <= s.createdAt) {
            this.last = { ...this.last, [s.webhookId]: s };
          }
        }
        this.lastEvent = s;
        this.recent.delete(s.id);
        this.recent.set(s.id, s);
        if (this.recent.size > 500) this.recent.delete(this.recent.keys().next().value!);
        for (const [k, run] of Object.entries(this.customRuns)) {
          if (run.id === s.id) this.customRuns = { ...this.customRuns, [k]: s };
        }
        this.tick++;
      } else if (type === 'resync') {
        this.tick++;
        void this.load();
      }
    });
  }
}

export const webhooks = new WebhooksStore();

/** Identifies one Custom button of one object. */
export function customKey(type: string, objectId: string, webhookId: string): string {
  return `${type}\u0000${objectId}\u0000${webhookId}`;
}
