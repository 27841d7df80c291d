/**
 * The only module that talks to the backend. Inside the desktop window it
 * calls the Wails-bound Go methods; in a browser under `hookline serve` it
 * calls the HTTP API. Screens and stores import from here and never know
 * which transport is in use.
 */
import * as Bound from '../../../wailsjs/go/main/App';
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import { bound, http, isDesktop } from './transport';
export { needsApiKey, useApiKey } from './transport';
import type {
  BatchDeleteResult,
  ContentObject,
  ContentTypeDefinition,
  DemoResult,
  DeliverySettings,
  SettingsView,
  Info,
  KeySet,
  ListPage,
  ObjectQuery,
  ObjectVersion,
} from './types';

export * from './types';
export { ApiError } from './errors';

export { isDesktop };

export const api = {
  info(): Promise<Info> {
    return isDesktop ? bound(() => Bound.Info() as Promise<Info>) : http().request('GET', '/api/ui/info');
  },
  keys(): Promise<KeySet> {
    return isDesktop ? bound(() => Bound.Keys() as Promise<KeySet>) : http().request('GET', '/api/ui/keys');
  },
  regenerateKey(which: 'readWrite' | 'readOnly'): Promise<KeySet> {
    return isDesktop
      ? bound(() => Bound.RegenerateKey(which) as Promise<KeySet>)
      : http().request('POST', `/api/ui/keys/${which}`);
  },

  // Content types: /api/v1/internal/contenttype (spec §1). Every bound method
  // answers with the same JSON as the REST endpoint it mirrors.

  /** A page of user types (internal=false) or system types (internal=true). */
  listTypes(page: number, limit: number, internal = false): Promise<ListPage<ContentTypeDefinition>> {
    return isDesktop
      ? bound(() => Bound.ListTypes(page, limit, internal) as Promise<ListPage<ContentTypeDefinition>>)
      : http().request('GET', `/api/v1/internal/contenttype${qs({ page, limit, internal: internal ? 1 : 0 })}`);
  },
  getType(name: string): Promise<ContentTypeDefinition> {
    return isDesktop
      ? bound(() => Bound.GetType(name) as Promise<ContentTypeDefinition>)
      : http().request('GET', `/api/v1/internal/contenttype/${enc(name)}`);
  },
  createType(def: ContentTypeDefinition): Promise<ContentTypeDefinition> {
    return isDesktop
      ? bound(() => Bound.CreateType(def) as Promise<ContentTypeDefinition>)
      : http().request('POST', '/api/v1/internal/contenttype', def);
  },
  updateType(name: string, def: ContentTypeDefinition): Promise<ContentTypeDefinition> {
    return isDesktop
      ? bound(() => Bound.UpdateType(name, def) as Promise<ContentTypeDefinition>)
      : http().request('PUT', `/api/v1/internal/contenttype/${enc(name)}`, def);
  },
  /** Refused with 400 {"errors":[...]} while the type still has objects. */
  async deleteType(name: string): Promise<void> {
    if (isDesktop) await bound(() => Bound.DeleteType(name));
    else await http().request('DELETE', `/api/v1/internal/contenttype/${enc(name)}`);
  },

  // Content objects: /api/v1/content/{type} (spec §2, §3).

  listObjects(type: string, q: ObjectQuery): Promise<ListPage<ContentObject>> {
    return isDesktop
      ? bound(() => Bound.ListObjects(type, { ...q, status: q.status ?? '' }) as Promise<ListPage<ContentObject>>)
      : http().request(
          'GET',
          `/api/v1/content/${enc(type)}${qs({
            page: q.page,
            limit: q.limit,
            order_by: q.orderBy,
            order_direction: q.orderDirection,
            filters: q.filters,
            status: q.status,
          })}`,
        );
  },
  /** Draft & Public: publish, unpublish or archive one object (answers nothing). */
  setPublication(type: string, id: string, action: 'publish' | 'unpublish' | 'archive'): Promise<void> {
    if (isDesktop) {
      const fn = { publish: Bound.PublishObject, unpublish: Bound.UnpublishObject, archive: Bound.ArchiveObject }[action];
      return bound(() => fn(type, id));
    }
    return http().request('POST', `/api/v1/content/${enc(type)}/${enc(id)}/${action}`);
  },
  getObject(type: string, id: string): Promise<ContentObject> {
    return isDesktop
      ? bound(() => Bound.GetObject(type, id) as Promise<ContentObject>)
      : http().request('GET', `/api/v1/content/${enc(type)}/${enc(id)}`);
  },
  createObject(type: string, obj: Record<string, unknown>): Promise<ContentObject> {
    return isDesktop
      ? bound(() => Bound.CreateObject(type, obj) as Promise<ContentObject>)
      : http().request('POST', `/api/v1/content/${enc(type)}`, obj);
  },
  /** PUT: replaces the whole object. */
  updateObject(type: string, id: string, obj: Record<string, unknown>): Promise<ContentObject> {
    return isDesktop
      ? bound(() => Bound.UpdateObject(type, id, obj) as Promise<ContentObject>)
      : http().request('PUT', `/api/v1/content/${enc(type)}/${enc(id)}`, obj);
  },
  /** PATCH: missing fields keep their stored values. */
  patchObject(type: string, id: string, obj: Record<string, unknown>): Promise<ContentObject> {
    return isDesktop
      ? bound(() => Bound.PatchObject(type, id, obj) as Promise<ContentObject>)
      : http().request('PATCH', `/api/v1/content/${enc(type)}/${enc(id)}`, obj);
  },
  async deleteObject(type: string, id: string): Promise<void> {
    if (isDesktop) await bound(() => Bound.DeleteObject(type, id));
    else await http().request('DELETE', `/api/v1/content/${enc(type)}/${enc(id)}`);
  },
  /** Deletes what it can; a 400 {"errors":[...]} names the ids it could not. */
  deleteObjects(type: string, ids: string[]): Promise<BatchDeleteResult> {
    return isDesktop
      ? bound(() => Bound.DeleteObjects(type, ids) as Promise<BatchDeleteResult>)
      : http().request('POST', `/api/v1/content/${enc(type)}/batch-delete`, ids);
  },
  listVersions(type: string, id: string): Promise<ListPage<ObjectVersion>> {
    return isDesktop
      ? bound(() => Bound.ListVersions(type, id) as Promise<ListPage<ObjectVersion>>)
      : http().request('GET', `/api/v1/content/${enc(type)}/${enc(id)}/version?limit=1000`);
  },
  /** The object as it was at version n (1-based, as internal.latestVersion counts). */
  getVersion(type: string, id: string, n: number): Promise<ContentObject> {
    return isDesktop
      ? bound(() => Bound.GetVersion(type, id, n) as Promise<ContentObject>)
      : http().request('GET', `/api/v1/content/${enc(type)}/${enc(id)}/version/${n}`);
  },
  /** Creates the first-run sample (types, objects, an inbox, a webhook to it); refuses to overwrite. */
  loadDemo(): Promise<DemoResult> {
    return isDesktop ? bound(() => Bound.LoadDemo() as Promise<DemoResult>) : http().request('POST', '/api/ui/demo');
  },
  /** Delivery settings: what is stored, what runs, which flags override. */
  settings(): Promise<SettingsView> {
    return isDesktop ? bound(() => Bound.GetSettings()) : http().request('GET', '/api/ui/settings');
  },
  /** Stores delivery settings; they apply from the next start. */
  saveSettings(d: DeliverySettings): Promise<SettingsView> {
    return isDesktop
      ? bound(() => Bound.SaveSettings(d as Parameters<typeof Bound.SaveSettings>[0]))
      : http().request('PUT', '/api/ui/settings', d);
  },
};

const enc = encodeURIComponent;

/** Builds a query string, leaving out empty values. */
function qs(params: Record<string, string | number | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? '?' + s : '';
}

/** Subscribes to live events (Wails events or SSE); returns an unsubscribe. */
export function subscribe(onEvent: (type: string, data: unknown) => void): () => void {
  if (isDesktop) {
    const offs = ['delivery', 'content', 'webhook', 'inbox', 'resync'].map((t) =>
      EventsOn(`hookline:${t}`, (data: unknown) => onEvent(t, data)),
    );
    return () => offs.forEach((off) => off());
  }
  return http().subscribe(onEvent);
}
