/**
 * The inbox area of the backend: built-in webhook receivers and the
 * requests they recorded. Like index.ts, it calls the Wails-bound Go methods
 * inside the desktop window and the HTTP API in a browser; every method
 * resolves to the same JSON either way.
 */
import * as Bound from '../../../wailsjs/go/main/App';
import { bound, http, isDesktop } from './transport';
import type { ListPage } from './types';

/** A receiver at /inbox/{name} and the answer it is scripted to give. */
export interface Inbox {
  name: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  delayMs: number;
  /** The first N requests after the script was saved get failStatus. */
  failFirst: number;
  /** Percentage of the other requests that get failStatus, drawn from failSeed. */
  failRate: number;
  failSeed: number;
  failStatus: number;
  /** "whsec_…", or "" when signatures are not checked. */
  secret: string;
  /** How it answers a synchronous webhook's request: accept, modify, reject; '' for the plain answer. */
  syncMode?: '' | 'accept' | 'modify' | 'reject';
  /** reject: the errors, {"field":["message"]}. */
  syncErrors?: Record<string, string[]> | null;
  /** modify: a JSON merge patch applied to the object. */
  syncPatch?: Record<string, unknown> | null;
  /** Requests since the script was last saved: the position failures count from. */
  received: number;
  requestCount: number;
  lastRequestAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What creating or replacing an inbox takes; omitted fields get defaults. */
export interface InboxInput {
  name?: string;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
  failFirst?: number;
  failRate?: number;
  failSeed?: number;
  failStatus?: number;
  secret?: string;
  syncMode?: '' | 'accept' | 'modify' | 'reject';
  syncErrors?: Record<string, string[]>;
  syncPatch?: Record<string, unknown>;
}

export type SignatureStatus = 'unchecked' | 'verified' | 'missing_headers' | 'bad_signature' | 'stale_timestamp';

/** One recorded request, as the list shows it. */
export interface InboxRequestSummary {
  id: string;
  inbox: string;
  /** Position in the inbox's sequence since its script was saved. */
  n: number;
  /** Every request the inbox recorded, counted: stays the same when the script is saved. */
  number: number;
  /** "Create · product/product-1" for a Hookline webhook body; "" otherwise. */
  summary: string;
  method: string;
  /** Sub-path after /inbox/{name}, always starting with "/". */
  path: string;
  query: string;
  contentType: string;
  /** Bytes sent; -1 when too many to count. */
  bodySize: number;
  truncated: boolean;
  remoteAddr: string;
  receivedAt: string;
  signature: SignatureStatus;
  signatureReason: string;
  responseStatus: number;
  failure: '' | 'fail_first' | 'fail_rate';
  abandonedAfterMs: number | null;
}

/** The answer an inbox gave. */
export interface InboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  delayMs: number;
}

/** One recorded request in full. */
export interface InboxRequest extends InboxRequestSummary {
  headers: Record<string, string[]>;
  /** The body text, or its base64 when bodyEncoding is "base64". */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** The fail-rate draw (0–99) for this position, -1 when none was made. */
  roll: number;
  response: InboxResponse;
}

/** What the target answered to a replayed request. */
export interface ReplayResult {
  url: string;
  /** 0 when no answer came; error then says why. */
  status: number;
  headers: Record<string, string[]> | null;
  body: string;
  bodyEncoding: 'utf8' | 'base64' | '';
  truncated: boolean;
  durationMs: number;
  error?: string;
}

/** The data of an "inbox" live event. */
export interface InboxEvent {
  kind: 'request' | 'request_updated' | 'saved' | 'deleted' | 'cleared';
  inbox: string;
  request?: InboxRequestSummary;
}


const base = '/api/v1/inboxes';
const seg = encodeURIComponent;

export const inboxApi = {
  list(): Promise<Inbox[]> {
    return isDesktop ? bound(() => Bound.ListInboxes()) : http().request('GET', base);
  },
  get(name: string): Promise<Inbox> {
    return isDesktop ? bound(() => Bound.GetInbox(name)) : http().request('GET', `${base}/${seg(name)}`);
  },
  create(input: InboxInput): Promise<Inbox> {
    return isDesktop ? bound(() => Bound.CreateInbox(boundInput(input))) : http().request('POST', base, input);
  },
  update(name: string, input: InboxInput): Promise<Inbox> {
    return isDesktop ? bound(() => Bound.UpdateInbox(name, boundInput({ ...input, name }))) : http().request('PUT', `${base}/${seg(name)}`, input);
  },
  remove(name: string): Promise<void> {
    return isDesktop ? bound(() => Bound.DeleteInbox(name)) : http().request('DELETE', `${base}/${seg(name)}`);
  },
  requests(name: string, page: number, limit: number): Promise<ListPage<InboxRequestSummary>> {
    return isDesktop
      ? bound(() => Bound.ListInboxRequests(name, page, limit))
      : http().request('GET', `${base}/${seg(name)}/requests?page=${page}&limit=${limit}`);
  },
  request(name: string, id: string): Promise<InboxRequest> {
    return isDesktop
      ? bound(() => Bound.GetInboxRequest(name, id))
      : http().request('GET', `${base}/${seg(name)}/requests/${seg(id)}`);
  },
  clear(name: string): Promise<void> {
    return isDesktop ? bound(() => Bound.ClearInbox(name)) : http().request('DELETE', `${base}/${seg(name)}/requests`);
  },
  replay(name: string, id: string, url: string): Promise<ReplayResult> {
    return isDesktop
      ? bound(() => Bound.ReplayInboxRequest(name, id, url))
      : http().request('POST', `${base}/${seg(name)}/requests/${seg(id)}/replay`, { url });
  },
};

/** The bound methods take the Go struct, whose name is always present. */
function boundInput(input: InboxInput): Parameters<typeof Bound.CreateInbox>[0] {
  return { ...input, name: input.name ?? '' } as Parameters<typeof Bound.CreateInbox>[0];
}
