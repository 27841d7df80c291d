/**
 * The media library: `_media` and `_tag` objects (through the same content
 * calls as any type), uploads, image URLs, the media settings and .flotiq
 * transfers. Uploads go over HTTP multipart in both transports, because
 * only XMLHttpRequest reports upload progress: in a browser to `hookline
 * serve` with the page's session, in the desktop window to the window's own
 * origin, which the Wails asset server hands to the Go side (the same
 * handlers, acting for the window).
 */
import { api } from './index';
import { ApiError, fromHttp } from './errors';
import { HttpTransport, sessionFromPage } from './http';
import { http, isDesktop } from './transport';
import type { ContentObject, DataSource, ListPage } from './types';

export const MEDIA_TYPE = '_media';
export const TAG_TYPE = '_tag';

/** A `_media` object (spec §1.1). */
export interface MediaObject extends ContentObject {
  fileName: string;
  mimeType: string;
  size: number;
  url: string;
  source: string;
  extension: string;
  type: 'image' | 'file';
  width?: number;
  height?: number;
  externalId?: string;
  alt?: string;
  title?: string;
  tags?: DataSource[];
  variants?: { name: string; trim?: Record<string, number> }[];
}

export interface TagObject extends ContentObject {
  name: string;
}

export interface MediaSettings {
  maxUploadMB: number;
}

/** The latest .flotiq import or export, as the server reports it. */
export interface TransferStatus {
  kind: '' | 'import' | 'export';
  dir: string;
  running: boolean;
  phase: string;
  done: number;
  total: number;
  error: string;
  stats: { types: number; objects: number; files: number; skipped: string[] } | null;
}

export interface MediaQuery {
  page: number;
  limit: number;
  /** Case-insensitive part of the file name. */
  search?: string;
  /** Only objects of this Flotiq type. */
  kind?: '' | 'image' | 'file';
  /** Only objects with this tag id. */
  tag?: string;
}

/** The window talks to its own origin without credentials (see above). */
let windowTransport: HttpTransport | null = null;
function transport(): HttpTransport {
  if (!isDesktop) return http();
  windowTransport ??= new HttpTransport('', '', (...a) => fetch(...a), '');
  return windowTransport;
}

function credentials(): Record<string, string> {
  if (isDesktop) return {};
  const session = sessionFromPage(document);
  if (session) return { 'X-Hookline-Session': session };
  const key = sessionStorage.getItem('hookline-api-key') ?? '';
  return key ? { 'X-AUTH-TOKEN': key } : {};
}

/** Flotiq's dataUrl of a media object. */
export function mediaRef(id: string): DataSource {
  return { type: 'internal', dataUrl: `/api/v1/content/${MEDIA_TYPE}/${id}` };
}

/** The id a dataUrl names, or "". */
export function refId(ds: DataSource): string {
  const m = /^\/api\/v1\/content\/[_a-z]+\/([^/]+)$/.exec(ds?.dataUrl ?? '');
  return m ? decodeURIComponent(m[1]) : '';
}

/** URL of a rendition: 0x0 is the original; 0 keeps the ratio. */
export function imageUrl(m: Pick<MediaObject, 'id' | 'extension'>, w = 0, h = 0): string {
  return `/image/${w}x${h}/${encodeURIComponent(m.id)}.${encodeURIComponent(m.extension)}`;
}

/** URL of a variant (its trim, then sized): /image/{w}x{h}/{id}/{name}.{ext}/variant/{variant}. */
export function variantUrl(m: Pick<MediaObject, 'id' | 'extension'>, variant: string, w = 0, h = 0): string {
  const e = encodeURIComponent;
  return `/image/${w}x${h}/${e(m.id)}/${e(m.id)}.${e(m.extension)}/variant/${e(variant)}`;
}

/** Whether the browser can show this media as a picture. */
export function isPicture(m: MediaObject): boolean {
  return m.type === 'image' && m.mimeType.startsWith('image/');
}

function filters(q: MediaQuery): string {
  const f: Record<string, unknown> = {};
  if (q.search) f.fileName = { type: 'contains', filter: q.search };
  if (q.kind) f.type = { type: 'equals', filter: q.kind };
  if (q.tag) f['tags[*].dataUrl'] = { type: 'equals', filter: `/api/v1/content/${TAG_TYPE}/${q.tag}` };
  return Object.keys(f).length ? JSON.stringify(f) : '';
}

export interface UploadHandle {
  promise: Promise<MediaObject>;
  abort(): void;
}

export const media = {
  list(q: MediaQuery): Promise<ListPage<MediaObject>> {
    return api.listObjects(MEDIA_TYPE, {
      page: q.page,
      limit: q.limit,
      orderBy: 'internal.createdAt',
      orderDirection: 'desc',
      filters: filters(q),
    }) as Promise<ListPage<MediaObject>>;
  },
  get(id: string): Promise<MediaObject> {
    return api.getObject(MEDIA_TYPE, id) as Promise<MediaObject>;
  },
  /** Saves alt, title, tags, variants (PATCH keeps the file's fields). */
  update(id: string, patch: Partial<MediaObject>): Promise<MediaObject> {
    return api.patchObject(MEDIA_TYPE, id, patch) as Promise<MediaObject>;
  },
  /** Refused with 400 while another object uses it; `fields.usedBy` names them. */
  remove(id: string): Promise<void> {
    return api.deleteObject(MEDIA_TYPE, id);
  },
  tags(): Promise<ListPage<TagObject>> {
    return api.listObjects(TAG_TYPE, { page: 1, limit: 1000, orderBy: 'name', orderDirection: 'asc', filters: '' }) as Promise<
      ListPage<TagObject>
    >;
  },
  createTag(name: string): Promise<TagObject> {
    return api.createObject(TAG_TYPE, { name }) as Promise<TagObject>;
  },

  /**
   * Uploads one file (POST /api/media, Flotiq's `file` and `type` fields),
   * reporting progress from 0 to 1.
   */
  upload(file: File, onProgress?: (fraction: number) => void): UploadHandle {
    const xhr = new XMLHttpRequest();
    const promise = new Promise<MediaObject>((resolve, reject) => {
      const form = new FormData();
      form.append('type', file.type.startsWith('image/') ? 'image' : 'file');
      form.append('file', file, file.name);
      xhr.open('POST', '/api/media');
      for (const [k, v] of Object.entries(credentials())) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress?.(e.loaded / e.total);
      };
      xhr.onload = () => {
        let body: unknown = undefined;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = xhr.responseText;
        }
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress?.(1);
          resolve(body as MediaObject);
        } else reject(fromHttp(xhr.status, body));
      };
      xhr.onerror = () => reject(new ApiError(0, 'The upload could not reach Hookline'));
      xhr.onabort = () => reject(new ApiError(0, 'Upload cancelled'));
      xhr.send(form);
    });
    return { promise, abort: () => xhr.abort() };
  },

  settings(): Promise<MediaSettings> {
    return transport().request('GET', '/api/ui/media-settings');
  },
  saveSettings(s: MediaSettings): Promise<MediaSettings> {
    return transport().request('PUT', '/api/ui/media-settings', s);
  },
  startTransfer(kind: 'import' | 'export', dir: string, keepWebhooks = false): Promise<TransferStatus> {
    return transport().request('POST', '/api/ui/transfer', { kind, dir, keepWebhooks });
  },
  transferStatus(): Promise<TransferStatus> {
    return transport().request('GET', '/api/ui/transfer');
  },
};

/** Human size: 1.2 MB, 340 kB, 12 B (decimal, as Flotiq's messages count). */
export function formatSize(n: number): string {
  if (!Number.isFinite(n)) return '';
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} kB`;
  return `${n} B`;
}
