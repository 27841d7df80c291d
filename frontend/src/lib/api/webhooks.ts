/**
 * Webhook definitions (objects of the internal type `_webhooks`), their
 * execution logs and the Custom action.
 */
import * as Bound from '../../../wailsjs/go/main/App';
import { bound, http, isDesktop, query } from './transport';
import type { ListPage } from './types';
import { curlData, shellWord } from '../shell';

/** What an async webhook can listen to, in Flotiq's order. */
export const ACTIONS = ['Create', 'Update', 'Delete', 'Publish', 'Unpublish', 'Archive', 'Custom'] as const;
export type Action = (typeof ACTIONS)[number];
/** What a sync webhook can block. */
export const SYNC_ACTIONS: readonly Action[] = ['Create', 'Update', 'Delete'];

export type WebhookType = 'async' | 'sync' | 'ctd';
export type ExecutionMode = 'url' | 'code';

/** A webhook as stored: Flotiq's `_webhooks` fields plus Hookline's signing secret. */
export interface Webhook {
  id?: string;
  name: string;
  type: WebhookType;
  /** Sync webhooks only: POST to url, or run code in-process. */
  executionMode?: ExecutionMode;
  /** A code webhook's JavaScript, defining _webhook(ctx). */
  code?: string;
  /** Sync webhooks only: how long a save waits (ms); default 5000 for a URL, 2000 for code. */
  timeout_ms?: number;
  url: string;
  enabled: boolean;
  actions: { action: Action }[];
  content_type_definitions: { content_type_definition_name: string }[];
  headers: { header_name: string; header_value: string }[];
  signing_secret?: string;
  /** PEM certificate(s) the https receiver may present besides the system's roots. */
  tls_ca_pem?: string;
  internal?: Record<string, unknown>;
}

export type LogStatus = 'pending' | 'done' | 'error';

export interface LogSummary {
  id: string;
  webhookId?: string;
  status: LogStatus;
  action: string;
  contentTypeName: string;
  objectId: string;
  createdAt: string;
  updatedAt: string;
  attempts: number;
  responseCode: number;
  error: string;
  nextAttemptAt?: string;
  /** Sync webhooks only: what the answer decided. */
  verdict?: 'accepted' | 'modified' | 'rejected' | 'failed';
  /** Attempts the retry schedule makes in all ("attempt 2 of 6"). */
  maxAttempts?: number;
  /** Queued by "Send test". Live events leave it out. */
  test?: boolean;
  /** The log this one re-sends. Live events leave it out. */
  redeliveryOf?: string;
}

/** A starting point for a code webhook. */
export interface CodeTemplate {
  name: string;
  action: string;
  code: string;
}

/** What a code webhook decided in a dry run. */
export interface CodeOutcome {
  verdict: 'accepted' | 'modified' | 'rejected' | 'failed';
  payload?: Record<string, unknown>;
  errors?: Record<string, string[]>;
  error?: string;
  durationMs: number;
}

export interface TryInput {
  code: string;
  timeout_ms: number;
  contentType: string;
  objectId: string;
}

export interface Header {
  name: string;
  value: string;
}

export interface LogResponse {
  status: number;
  headers: Header[];
  body: string;
  bodyTruncated: boolean;
  /** Only the first 64 headers or 16 KiB of them were kept. */
  headersTruncated?: boolean;
  durationMs: number;
}

export interface Attempt {
  n: number;
  startedAt: string;
  durationMs: number;
  /** "done", "retry" or "error". */
  outcome: string;
  error: string;
  requestHeaders: Header[];
  response: LogResponse | null;
  nextAttemptAt?: string;
}

export interface LogDetail extends LogSummary {
  /** The webhook-id header value: stays the same across attempts and redeliveries. */
  messageId: string;
  request: { method: string; url: string; headers: Header[]; body: string };
  response: LogResponse | null;
  history: Attempt[];
}

const base = '/api/v1/content/_webhooks';

export const webhooksApi = {
  list(): Promise<ListPage<Webhook>> {
    return isDesktop
      ? bound(() => Bound.ListWebhooks() as Promise<ListPage<Webhook>>)
      : http().request('GET', `${base}?limit=1000&order_by=name&order_direction=asc`);
  },
  get(id: string): Promise<Webhook> {
    return isDesktop ? bound(() => Bound.GetWebhook(id) as Promise<Webhook>) : http().request('GET', `${base}/${encodeURIComponent(id)}`);
  },
  create(w: Webhook): Promise<Webhook> {
    return isDesktop ? bound(() => Bound.CreateWebhook(w) as Promise<Webhook>) : http().request('POST', base, w);
  },
  update(id: string, w: Webhook): Promise<Webhook> {
    return isDesktop
      ? bound(() => Bound.UpdateWebhook(id, w) as Promise<Webhook>)
      : http().request('PUT', `${base}/${encodeURIComponent(id)}`, w);
  },
  setEnabled(id: string, enabled: boolean): Promise<Webhook> {
    return isDesktop
      ? bound(() => Bound.PatchWebhook(id, { enabled }) as Promise<Webhook>)
      : http().request('PATCH', `${base}/${encodeURIComponent(id)}`, { enabled });
  },
  remove(id: string): Promise<void> {
    return isDesktop ? bound(() => Bound.DeleteWebhook(id)) : http().request('DELETE', `${base}/${encodeURIComponent(id)}`);
  },
  /** The newest log of each webhook, keyed by webhook id. */
  lastStatus(): Promise<Record<string, LogSummary>> {
    return isDesktop
      ? bound(() => Bound.WebhookLastStatus() as Promise<Record<string, LogSummary>>)
      : http().request('GET', '/api/v1/webhooks/last-status');
  },
  logs(webhookId: string, page: number, limit: number, status = ''): Promise<ListPage<LogSummary>> {
    return isDesktop
      ? bound(() => Bound.ListWebhookLogs(webhookId, page, limit, status) as Promise<ListPage<LogSummary>>)
      : http().request('GET', `/api/v1/webhooks/${encodeURIComponent(webhookId)}/logs${query({ page, limit, status })}`);
  },
  log(webhookId: string, logId: string): Promise<LogDetail> {
    return isDesktop
      ? bound(() => Bound.GetWebhookLog(webhookId, logId) as Promise<LogDetail>)
      : http().request('GET', `/api/v1/webhooks/${encodeURIComponent(webhookId)}/logs/${encodeURIComponent(logId)}`);
  },
  redeliver(webhookId: string, logId: string): Promise<LogSummary> {
    return isDesktop
      ? bound(() => Bound.Redeliver(webhookId, logId) as Promise<LogSummary>)
      : http().request('POST', `/api/v1/webhooks/${encodeURIComponent(webhookId)}/logs/${encodeURIComponent(logId)}/redeliver`);
  },
  /** The code webhook templates (Flotiq's three examples). */
  codeTemplates(): Promise<CodeTemplate[]> {
    return isDesktop
      ? bound(() => Bound.CodeWebhookTemplates() as Promise<CodeTemplate[]>)
      : http().request('GET', '/api/v1/webhooks/code/templates');
  },
  /** Runs code against a saved object; nothing is saved or logged. */
  tryCode(input: TryInput): Promise<CodeOutcome> {
    return isDesktop
      ? bound(() => Bound.TryCodeWebhook(input) as Promise<CodeOutcome>)
      : http().request('POST', '/api/v1/webhooks/code/try', input);
  },
  /**
   * Queues a Custom delivery for a saved object. Only the app's own UI can
   * do this (the browser route takes the UI session, never an API key):
   * Custom is not possible through the REST API.
   */
  triggerCustom(webhookId: string, contentType: string, objectId: string): Promise<LogSummary> {
    return isDesktop
      ? bound(() => Bound.TriggerCustom(webhookId, contentType, objectId) as Promise<LogSummary>)
      : http().request('POST', '/api/ui/custom', { webhookId, contentType, objectId });
  },
};

/** A new signing secret: "whsec_" and 24 random bytes in base64. */
export function generateSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return 'whsec_' + btoa(String.fromCharCode(...bytes));
}

/** True when url's host is this machine (loopback), so no warning is needed. */
export function isLocalUrl(url: string): boolean {
  try {
    const h = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
  } catch {
    return false;
  }
}

/** A shell-safe cURL command that repeats a logged request (every part quoted by lib/shell). */
export function curlFor(req: { method: string; url: string; headers: Header[]; body: string }): string {
  const parts = [`curl -X ${shellWord(req.method)} ${shellWord(req.url)}`];
  for (const { name, value } of req.headers) {
    if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'host') continue;
    parts.push(`-H ${shellWord(`${name}: ${value}`)}`);
  }
  let pipe = '';
  if (req.body) {
    const data = curlData(req.body);
    pipe = data.pipe;
    parts.push(data.arg);
  }
  return pipe + parts.join(' \\\n  ');
}
