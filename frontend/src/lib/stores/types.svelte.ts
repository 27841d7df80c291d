/**
 * The content types area: the list of user types and a cache of parsed
 * models, which the modeler, the content list and the object form share.
 */
import { api, subscribe, type ContentTypeDefinition } from '../api';
import { versionedApi } from '../api/deliveries';
import { forSave, fromDefinition, type TypeModel } from '../content/model';

/** More types than a person defines by hand; the list is not paged. */
const PAGE = 1000;

class TypesStore {
  list = $state<ContentTypeDefinition[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<unknown>(null);

  private models = new Map<string, TypeModel>();

  private listening = false;

  /**
   * Follows type definitions created, changed or deleted elsewhere (a
   * script through the REST API): the list reloads and the cached model of
   * a changed type is dropped.
   */
  private listen() {
    if (this.listening || typeof window === 'undefined') return;
    this.listening = true;
    subscribe((t, data) => {
      const d = data as { contentType?: string; definition?: string } | null;
      if (t !== 'content' || !d?.definition) return;
      if (d.contentType) this.models.delete(d.contentType);
      void this.load();
    });
  }

  async load(): Promise<void> {
    this.listen();
    this.loading = true;
    this.error = null;
    try {
      const page = await api.listTypes(1, PAGE, false);
      this.list = page.data;
      this.models.clear();
      this.loaded = true;
    } catch (e) {
      this.error = e;
    } finally {
      this.loading = false;
    }
  }

  /** Loads the list once; later calls reuse it. */
  async ensure(): Promise<void> {
    if (!this.loaded && !this.loading) await this.load();
  }

  /** The definition of one type, fresh from the server. */
  async get(name: string): Promise<ContentTypeDefinition> {
    const def = await api.getType(name);
    this.models.set(name, fromDefinition(def));
    return def;
  }

  /** The parsed model of a type, fetched once and then cached. */
  async model(name: string): Promise<TypeModel> {
    const hit = this.models.get(name);
    if (hit) return hit;
    await this.get(name);
    return this.models.get(name)!;
  }

  /**
   * Creates (original = null) or replaces a type; refreshes the list. With
   * a version, the replace is refused (412) unless the type is still at it.
   */
  async save(def: ContentTypeDefinition, original: string | null, version?: number): Promise<ContentTypeDefinition> {
    const body = forSave(def);
    const saved = !original
      ? await api.createType(body)
      : version !== undefined
        ? await versionedApi.updateType(original, body, version)
        : await api.updateType(original, body);
    this.models.delete(saved.name);
    await this.load();
    return saved;
  }

  async remove(name: string): Promise<void> {
    await api.deleteType(name);
    this.models.delete(name);
    await this.load();
  }
}

export const types = new TypesStore();
