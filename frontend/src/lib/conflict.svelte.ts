/**
 * Lost-update protection for an editor. The editor saves with the version
 * it loaded (If-Match); a 412 means someone else saved in between. The
 * watcher also learns of such a change live, through the "content" event
 * of the object's type, so the banner shows before the person saves.
 */
import { onDestroy } from 'svelte';
import { api, subscribe, ApiError, type ContentObject } from './api';

export function versionOf(o: { internal?: unknown } | null | undefined): number {
  const v = (o?.internal as { latestVersion?: unknown } | undefined)?.latestVersion;
  return typeof v === 'number' ? v : 0;
}

export function isConflict(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status === 412;
}

export class ConflictWatch {
  /** The newer stored object, once one is known; null while none is. */
  theirs = $state<ContentObject | null>(null);
  private busy = false;
  private recheck = false;

  constructor(
    private readonly type: () => string,
    private readonly id: () => string | null,
    /** The version the editor holds. */
    private readonly version: () => number,
  ) {
    const off = subscribe((t, data) => {
      if (t !== 'content' && t !== 'resync') return;
      const ct = (data as { contentType?: string } | null)?.contentType;
      if (t === 'content' && ct !== this.type()) return;
      void this.check();
    });
    onDestroy(off);
  }

  /** Call around the editor's own save, so its event is not taken for someone else's. */
  async saving<T>(fn: () => Promise<T>): Promise<T> {
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
      if (this.recheck) {
        this.recheck = false;
        void this.check();
      }
    }
  }

  /** Fetches the stored object and notes it when it is newer than the editor's. */
  async check(): Promise<void> {
    const id = this.id();
    if (!id) return;
    if (this.busy) {
      this.recheck = true;
      return;
    }
    try {
      const stored = await api.getObject(this.type(), id);
      if (this.busy) {
        this.recheck = true;
        return;
      }
      this.theirs = versionOf(stored) > this.version() ? stored : null;
    } catch {
      // Deleted or unreachable: the save will say so.
    }
  }

  /** After a 412: fetch what is stored now to show it. */
  async conflicted(): Promise<void> {
    const id = this.id();
    if (!id) return;
    try {
      this.theirs = await api.getObject(this.type(), id);
    } catch {
      /* the banner still offers reload */
    }
  }

  clear() {
    this.theirs = null;
  }
}
