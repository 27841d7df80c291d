/**
 * Execution logs across every webhook (the Deliveries screen), bulk retry,
 * "Send test", and writes that name the version they were based on
 * (If-Match), so a change made elsewhere is never silently overwritten.
 */
import * as Bound from '../../../wailsjs/go/main/App';
import { bound, http, isDesktop, query } from './transport';
import type { ContentObject, ContentTypeDefinition, ListPage } from './types';
import type { LogSummary, Webhook } from './webhooks';

/** What the list can be narrowed by; empty values match everything. */
export interface LogFilter {
  /** pending (queued or retrying), queued, retrying, done or error. */
  status?: string;
  webhookId?: string;
  contentType?: string;
  action?: string;
  objectId?: string;
  responseCode?: number;
  /** RFC 3339 times bounding createdAt: since <= createdAt < until. */
  since?: string;
  until?: string;
  /** Searches the object id and the error text. */
  q?: string;
}

export interface RetryResult {
  matched: number;
  queued: number;
  ids: string[];
}

export interface TestRequest {
  contentType: string;
  objectId: string;
  action: 'Create' | 'Update' | 'Delete';
}

/** The filter without empty values, as both transports expect it. */
function clean(f: LogFilter): LogFilter {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '' && v !== 0) out[k] = v;
  return out as LogFilter;
}

const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

export const deliveriesApi = {
  list(f: LogFilter, page: number, limit: number): Promise<ListPage<LogSummary>> {
    const c = clean(f);
    return isDesktop
      ? bound(() => Bound.ListAllLogs(c as Parameters<typeof Bound.ListAllLogs>[0], page, limit))
      : http().request('GET', `/api/v1/webhooks/logs${query({ ...c, page, limit })}`);
  },
  /** Redelivers every finished log the filter selects; dryRun only counts. */
  retry(f: LogFilter, dryRun: boolean): Promise<RetryResult> {
    const c = clean(f);
    return isDesktop
      ? bound(() => Bound.RetryLogs(c as Parameters<typeof Bound.RetryLogs>[0], dryRun))
      : http().request('POST', '/api/v1/webhooks/logs/retry', { ...c, dryRun });
  },
  sendTest(webhookId: string, req: TestRequest): Promise<LogSummary> {
    return isDesktop
      ? bound(() => Bound.SendTest(webhookId, req))
      : http().request('POST', `/api/v1/webhooks/${encodeURIComponent(webhookId)}/test`, req);
  },
};

export const versionedApi = {
  /** PUT that fails with 412 (ApiError.latestVersion) when the object is no longer at version. */
  updateObject(type: string, id: string, obj: Record<string, unknown>, version: number): Promise<ContentObject> {
    return isDesktop
      ? bound(() => Bound.UpdateObjectAt(type, id, obj, version))
      : http().request('PUT', `/api/v1/content/${encodeURIComponent(type)}/${encodeURIComponent(id)}`, obj, ifMatch(version));
  },
  /** A type with its revision: the version updateType names. */
  async getType(name: string): Promise<{ definition: ContentTypeDefinition; version: number }> {
    if (isDesktop) return (await bound(() => Bound.GetTypeAt(name))) as unknown as { definition: ContentTypeDefinition; version: number };
    const { data, etag } = await http().exchange<ContentTypeDefinition>('GET', `/api/v1/internal/contenttype/${encodeURIComponent(name)}`);
    const version = Number(etag.replace(/^W\//, '').replace(/"/g, ''));
    return { definition: data, version: Number.isInteger(version) && version > 0 ? version : 0 };
  },
  /** PUT of a type that fails with 412 when it is no longer at version; on success it is at version+1. */
  updateType(name: string, def: ContentTypeDefinition, version: number): Promise<ContentTypeDefinition> {
    return isDesktop
      ? bound(() => Bound.UpdateTypeAt(name, def, version) as Promise<ContentTypeDefinition>)
      : http().request('PUT', `/api/v1/internal/contenttype/${encodeURIComponent(name)}`, def, version > 0 ? ifMatch(version) : {});
  },
  updateWebhook(id: string, w: Webhook, version: number): Promise<Webhook> {
    return isDesktop
      ? bound(() => Bound.UpdateWebhookAt(id, w as unknown as Record<string, unknown>, version))
      : http().request('PUT', `/api/v1/content/_webhooks/${encodeURIComponent(id)}`, w, ifMatch(version));
  },
};

export interface Referrer {
  type: string;
  id: string;
  title: string;
}

/** The live objects that relate to one object: what blocks deleting it. */
export function referrers(type: string, id: string): Promise<{ total: number; data: Referrer[] }> {
  return isDesktop
    ? bound(() => Bound.Referrers(type, id))
    : http().request('GET', `/api/ui/referrers/${encodeURIComponent(type)}/${encodeURIComponent(id)}`);
}
