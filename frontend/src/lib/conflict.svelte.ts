/**
 * Lost-update protection for an editor. The editor saves with the version
 * it loaded (If-Match); a 412 means someone else saved in between. The
 * watcher also learns of such a change live, through the "content" event
 * of what it edits, so the banner shows before the person saves.
 */
import { onDestroy } from 'svelte';
import { api, subscribe, ApiError, type ContentObject, type ContentTypeDefinition } from './api';
import { versionedApi } from './api/deliveries';

export function versionOf(o: { internal?: unknown } | null | undefined): number {
  const v = (o?.internal as { latestVersion?: unknown } | undefined)?.latestVersion;
  return typeof v === 'number' ? v : 0;
}

export function isConflict(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status === 412;
}

/** What a VersionWatch watches: which events concern it, how to load the stored state, and its version. */
interface Watched<T> {
  /** Whether a live event may be a change of what is edited. */
  concerns: (data: unknown) => boolean;
  /** The stored state, or null when nothing is saved yet (a new object). */
  load: () => Promise<T> | null;
  storedVersion: (stored: T) => number;
  /** The version the editor holds. */
  version: () => number;
}

/** The mechanism shared by every editor: follow events, refetch, flag a newer stored version. */
class VersionWatch<T> {
  /** The newer stored state, once one is known; null while none is. */
  theirs = $state<T | null>(null);
  private busy = false;
  private recheck = false;

  constructor(private readonly w: Watched<T>) {
    const off = subscribe((t, data) => {
      if (t === 'resync' || (t === 'content' && w.concerns(data))) void this.check();
    });
    onDestroy(off);
  }

  /** Call around the editor's own save, so its event is not taken for someone else's. */
  async saving<R>(fn: () => Promise<R>): Promise<R> {
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

  /** Fetches the stored state and notes it when it is newer than the editor's. */
  async check(): Promise<void> {
    if (this.busy) {
      this.recheck = true;
      return;
    }
    const loading = this.w.load();
    if (!loading) return;
    try {
      const stored = await loading;
      if (this.busy) {
        this.recheck = true;
        return;
      }
      this.theirs = this.w.storedVersion(stored) > this.w.version() ? stored : null;
    } catch {
      // Deleted or unreachable: the save will say so.
    }
  }

  /** After a 412: fetch what is stored now to show it. */
  async conflicted(): Promise<void> {
    const loading = this.w.load();
    if (!loading) return;
    try {
      this.theirs = await loading;
    } catch {
      /* the banner still offers reload */
    }
  }

  clear() {
    this.theirs = null;
  }
}

/** Watches one content object (webhooks included) of a type. */
export class ConflictWatch extends VersionWatch<ContentObject> {
  constructor(type: () => string, id: () => string | null, version: () => number) {
    super({
      concerns: (data) => (data as { contentType?: string } | null)?.contentType === type(),
      load: () => {
        const i = id();
        return i ? api.getObject(type(), i) : null;
      },
      storedVersion: versionOf,
      version,
    });
  }
}

/** Watches a type definition by its revision; its events carry `definition`. */
export class TypeConflictWatch extends VersionWatch<{ definition: ContentTypeDefinition; version: number }> {
  constructor(name: () => string | null, version: () => number) {
    super({
      concerns: (data) => {
        const d = data as { contentType?: string; definition?: string } | null;
        return !!d?.definition && d.contentType === name();
      },
      load: () => {
        const n = name();
        return n ? versionedApi.getType(n) : null;
      },
      storedVersion: (s) => s.version,
      version,
    });
  }
}
