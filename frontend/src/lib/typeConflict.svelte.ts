/**
 * Lost-update protection for the type modeler, as ConflictWatch does for
 * objects: the modeler saves with the revision it loaded (If-Match), and
 * learns live of a change made elsewhere through the "content" event that
 * carries `definition` for the type.
 */
import { onDestroy } from 'svelte';
import { subscribe, type ContentTypeDefinition } from './api';
import { versionedApi } from './api/deliveries';

export class TypeConflictWatch {
  /** The newer stored definition and its revision, once one is known. */
  theirs = $state<{ definition: ContentTypeDefinition; version: number } | null>(null);
  private busy = false;
  private recheck = false;

  constructor(
    private readonly name: () => string | null,
    /** The revision the modeler holds. */
    private readonly version: () => number,
  ) {
    const off = subscribe((t, data) => {
      if (t !== 'content' && t !== 'resync') return;
      const d = data as { contentType?: string; definition?: string } | null;
      if (t === 'content' && (!d?.definition || d.contentType !== this.name())) return;
      void this.check();
    });
    onDestroy(off);
  }

  /** Call around the modeler's own save, so its event is not taken for someone else's. */
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

  /** Fetches the stored type and notes it when its revision is newer than the modeler's. */
  async check(): Promise<void> {
    const name = this.name();
    if (!name) return;
    if (this.busy) {
      this.recheck = true;
      return;
    }
    try {
      const stored = await versionedApi.getType(name);
      if (this.busy) {
        this.recheck = true;
        return;
      }
      this.theirs = stored.version > this.version() ? stored : null;
    } catch {
      // Deleted or unreachable: the save will say so.
    }
  }

  /** After a 412: fetch what is stored now to show it. */
  async conflicted(): Promise<void> {
    const name = this.name();
    if (!name) return;
    try {
      this.theirs = await versionedApi.getType(name);
    } catch {
      /* the banner still offers reload */
    }
  }

  clear() {
    this.theirs = null;
  }
}
