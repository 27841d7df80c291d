/**
 * The media library area: one page of `_media` objects with the screen's
 * search and filters, the uploads in flight with their progress, the tags,
 * and a cache of single media objects for thumbnails elsewhere (relation
 * fields, object lists), which only hold dataUrls.
 */
import { media, type MediaObject, type MediaQuery, type TagObject } from '../api/media';

export const MEDIA_PAGE = 60;

export interface Upload {
  key: number;
  name: string;
  progress: number;
  error: string;
  done: boolean;
  result?: MediaObject;
}

let uploadKey = 0;

/** A page of media with its filters; the screen and the picker each own one. */
export class MediaLibrary {
  items = $state<MediaObject[]>([]);
  total = $state(0);
  page = $state(1);
  loading = $state(false);
  error = $state<unknown>(null);
  search = $state('');
  kind = $state<'' | 'image' | 'file'>('');
  tag = $state('');
  uploads = $state<Upload[]>([]);

  constructor(private readonly only?: 'image' | 'file') {
    if (only) this.kind = only;
  }

  get totalPages(): number {
    return Math.max(1, Math.ceil(this.total / MEDIA_PAGE));
  }

  private seq = 0;

  /** Loads the page for the current filters; an answer overtaken by a later load is dropped. */
  async load(): Promise<void> {
    const mine = ++this.seq;
    this.loading = true;
    this.error = null;
    const q: MediaQuery = { page: this.page, limit: MEDIA_PAGE, search: this.search.trim(), kind: this.kind, tag: this.tag };
    try {
      const p = await media.list(q);
      if (mine !== this.seq) return;
      this.items = p.data;
      this.total = p.total_count;
      for (const m of p.data) mediaCache.put(m);
    } catch (e) {
      if (mine === this.seq) this.error = e;
    } finally {
      if (mine === this.seq) this.loading = false;
    }
  }

  goTo(page: number) {
    this.page = Math.min(Math.max(1, page), this.totalPages);
    return this.load();
  }

  /**
   * Uploads files two at a time, each with its own progress bar; resolves
   * with the objects stored (failed ones keep their message in `uploads`).
   */
  async upload(files: File[]): Promise<MediaObject[]> {
    const entries = files.map((f) => ({ key: ++uploadKey, name: f.name, progress: 0, error: '', done: false }));
    this.uploads = [...entries, ...this.uploads.filter((u) => !u.done || u.error)].slice(0, 20);
    const out: MediaObject[] = [];
    const find = (key: number) => this.uploads.find((u) => u.key === key);
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const i = next++;
        const key = entries[i].key;
        try {
          const m = await media.upload(files[i], (p) => {
            const u = find(key);
            if (u) u.progress = p;
          }).promise;
          mediaCache.put(m);
          out.push(m);
          const u = find(key);
          if (u) Object.assign(u, { done: true, progress: 1, result: m });
        } catch (e) {
          const u = find(key);
          if (u) Object.assign(u, { done: true, error: e instanceof Error ? e.message : String(e) });
        }
      }
    };
    await Promise.all([worker(), worker()]);
    this.page = 1;
    await this.load();
    return out;
  }

  clearFinished() {
    this.uploads = this.uploads.filter((u) => !u.done);
  }
}

/** Media objects by id, fetched once, for thumbnails of relations. */
class MediaCache {
  private byId = $state<Record<string, MediaObject | null>>({});
  private pending = new Map<string, Promise<MediaObject | null>>();

  put(m: MediaObject) {
    this.byId[m.id] = m;
  }

  forget(id: string) {
    delete this.byId[id];
  }

  /** The object if known; starts fetching it otherwise (null = missing). */
  peek(id: string): MediaObject | null | undefined {
    if (!(id in this.byId)) void this.get(id);
    return this.byId[id];
  }

  get(id: string): Promise<MediaObject | null> {
    if (id in this.byId) return Promise.resolve(this.byId[id]);
    let p = this.pending.get(id);
    if (!p) {
      p = media.get(id).then(
        (m) => (this.byId[id] = m),
        () => (this.byId[id] = null),
      );
      p.finally(() => this.pending.delete(id));
      this.pending.set(id, p);
    }
    return p;
  }
}

export const mediaCache = new MediaCache();

/** The tags, loaded once per screen. */
export class Tags {
  list = $state<TagObject[]>([]);
  async load() {
    this.list = (await media.tags()).data;
  }
  async create(name: string): Promise<TagObject> {
    const t = await media.createTag(name);
    this.list = [...this.list, t].sort((a, b) => a.name.localeCompare(b.name));
    return t;
  }
}
