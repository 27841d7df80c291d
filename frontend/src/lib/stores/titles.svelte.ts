/**
 * Titles of related objects, for lists that show relations: fetched once
 * per object and shared by every cell. A "content" event of a type forgets
 * that type's titles, so renamed objects read right.
 */
import { SvelteMap } from 'svelte/reactivity';
import { api, subscribe } from '../api';
import { parseDataUrl } from '../content/values';

class Titles {
  private known = new SvelteMap<string, string>();
  private asked = new Set<string>();
  private listening = false;

  /** The title of the object at dataUrl: its objectTitle, its id while loading, or "(deleted) id". */
  of(dataUrl: string): string {
    const ref = parseDataUrl(dataUrl);
    if (!ref) return dataUrl;
    this.listen();
    const hit = this.known.get(dataUrl);
    if (hit !== undefined) return hit;
    if (!this.asked.has(dataUrl)) {
      this.asked.add(dataUrl);
      api
        .getObject(ref.type, ref.id)
        .then((o) => this.known.set(dataUrl, o.internal?.objectTitle || o.id))
        .catch(() => this.known.set(dataUrl, `(deleted) ${ref.id}`));
    }
    return ref.id;
  }

  private listen() {
    if (this.listening || typeof window === 'undefined') return;
    this.listening = true;
    subscribe((t, data) => {
      const ct = (data as { contentType?: string } | null)?.contentType;
      if (t !== 'content' || !ct) return;
      for (const url of [...this.asked]) {
        if (parseDataUrl(url)?.type === ct) {
          this.asked.delete(url);
          this.known.delete(url);
        }
      }
    });
  }
}

export const titles = new Titles();
