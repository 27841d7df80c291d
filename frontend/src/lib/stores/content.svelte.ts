/**
 * The content area: the object list of one type (page, sort, title search,
 * selection) and the object operations the editor uses.
 */
import { api, type ContentObject, type ObjectVersion } from '../api';
import { titleFilter } from '../content/values';

export const PAGE_SIZE = 50;

/** Objects have their display title here; the server can filter and sort on it. */
export const TITLE_FIELD = 'internal.objectTitle';

export class ObjectList {
  rows = $state<ContentObject[]>([]);
  total = $state(0);
  totalPages = $state(0);
  page = $state(1);
  orderBy = $state('internal.updatedAt');
  orderDirection = $state<'asc' | 'desc'>('desc');
  search = $state('');
  /** Draft & Public status to show ('' for all). */
  status = $state('');
  selected = $state<string[]>([]);
  loading = $state(false);
  error = $state<unknown>(null);

  /** Bumped on each load so that a slow answer never overwrites a newer one. */
  private seq = 0;

  constructor(public readonly type: string) {}

  async load(): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const page = await api.listObjects(this.type, {
        page: this.page,
        limit: PAGE_SIZE,
        orderBy: this.orderBy,
        orderDirection: this.orderDirection,
        filters: titleFilter(this.search, TITLE_FIELD),
        status: this.status,
      });
      if (seq !== this.seq) return;
      this.rows = page.data;
      this.total = page.total_count;
      this.totalPages = page.total_pages;
      // Keep only selections still on screen.
      this.selected = this.selected.filter((id) => page.data.some((o) => o.id === id));
    } catch (e) {
      if (seq === this.seq) this.error = e;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  sortBy(field: string) {
    if (this.orderBy === field) this.orderDirection = this.orderDirection === 'asc' ? 'desc' : 'asc';
    else {
      this.orderBy = field;
      this.orderDirection = 'asc';
    }
    this.page = 1;
    return this.load();
  }

  goTo(page: number) {
    this.page = Math.max(1, Math.min(page, this.totalPages || 1));
    return this.load();
  }

  setSearch(q: string) {
    this.search = q;
    this.page = 1;
    return this.load();
  }

  setStatus(status: string) {
    this.status = status;
    this.page = 1;
    return this.load();
  }

  toggle(id: string) {
    this.selected = this.selected.includes(id) ? this.selected.filter((x) => x !== id) : [...this.selected, id];
  }

  toggleAll() {
    this.selected = this.selected.length === this.rows.length ? [] : this.rows.map((r) => r.id);
  }

  /**
   * Deletes the selected objects. The server deletes what it can and names
   * the rest in its error; the list is reloaded either way.
   */
  async deleteSelected(): Promise<number> {
    try {
      const r = await api.deleteObjects(this.type, this.selected);
      this.selected = [];
      return r.deletedCount;
    } finally {
      await this.load();
    }
  }
}

/** Object operations for the editor; thin, so the editor reads straight. */
export const content = {
  get: (type: string, id: string) => api.getObject(type, id),
  create: (type: string, body: Record<string, unknown>) => api.createObject(type, body),
  update: (type: string, id: string, body: Record<string, unknown>) => api.updateObject(type, id, body),
  remove: (type: string, id: string) => api.deleteObject(type, id),
  async versions(type: string, id: string): Promise<ObjectVersion[]> {
    const page = await api.listVersions(type, id);
    return [...page.data].sort((a, b) => b.version - a.version);
  },
  version: (type: string, id: string, n: number) => api.getVersion(type, id, n),
};
