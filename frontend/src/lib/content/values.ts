/**
 * Turning content objects into form values and back, and placing the
 * server's validation messages beside the inputs they are about.
 */
import type { ContentObject, DataSource } from '../api/types';
import type { PropModel } from './model';

export type FormValues = Record<string, unknown>;
export type FieldErrors = Record<string, string[]>;

export interface GeoValue {
  lat: number | null;
  lon: number | null;
}

/** Cuts a stored date to what <input type=date|datetime-local> accepts. */
export function toDateInput(v: unknown, showTime: boolean): string {
  if (typeof v !== 'string' || !v) return '';
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?/.exec(v);
  if (!m) return '';
  if (!showTime) return m[1];
  return `${m[1]}T${m[2] ?? '00:00'}`;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The form's starting value for one property. */
export function formValueOf(p: PropModel, v: unknown): unknown {
  switch (p.inputType) {
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'checkbox':
      return v === true;
    case 'select':
      return p.multiple ? asArray(v).map(String) : typeof v === 'string' ? v : '';
    case 'simpleList':
      return asArray(v).map(String);
    case 'datasource':
      return asArray(v).filter((x): x is DataSource => !!x && typeof (x as DataSource).dataUrl === 'string');
    case 'dateTime':
      return toDateInput(v, p.showTime);
    case 'geo': {
      const g = (v ?? {}) as Partial<GeoValue>;
      return { lat: typeof g.lat === 'number' ? g.lat : null, lon: typeof g.lon === 'number' ? g.lon : null };
    }
    case 'object':
      return asArray(v).map((row) => toFormValues(p.items, (row ?? {}) as Record<string, unknown>));
    case 'block':
    case 'custom':
      return v === undefined || v === null ? '' : JSON.stringify(v, null, 2);
    default:
      return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
  }
}

export function toFormValues(props: PropModel[], obj: Record<string, unknown> | null): FormValues {
  const out: FormValues = {};
  for (const p of props) out[p.key] = formValueOf(p, obj?.[p.key]);
  return out;
}

/** An empty row for a list-of-objects property. */
export function emptyRow(items: PropModel[]): FormValues {
  return toFormValues(items, null);
}

/**
 * Builds the request body from the form. Empty optional numbers, dates, geo
 * points and JSON fields are left out rather than sent as null, which the
 * schema would refuse; strings are sent as they are, so a required one left
 * empty gets the server's own message. JSON that does not parse is reported
 * like a server error, under the property's path.
 */
export function toPayload(props: PropModel[], values: FormValues, base = ''): { body: Record<string, unknown>; errors: FieldErrors } {
  const body: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const p of props) {
    const v = values[p.key];
    const path = base + p.key;
    switch (p.inputType) {
      case 'number':
        if (typeof v === 'number' && !Number.isNaN(v)) body[p.key] = v;
        break;
      case 'dateTime':
        if (typeof v === 'string' && v) body[p.key] = v;
        break;
      case 'geo': {
        const g = v as GeoValue;
        if (g && (g.lat !== null || g.lon !== null)) body[p.key] = { lat: g.lat ?? 0, lon: g.lon ?? 0 };
        break;
      }
      case 'object': {
        body[p.key] = asArray(v).map((row, i) => {
          const sub = toPayload(p.items, row as FormValues, `${path}[${i}].`);
          Object.assign(errors, sub.errors);
          return sub.body;
        });
        break;
      }
      case 'block':
      case 'custom': {
        const text = typeof v === 'string' ? v.trim() : '';
        if (!text) break;
        try {
          body[p.key] = JSON.parse(text);
        } catch (e) {
          errors[path] = [`Not valid JSON: ${(e as Error).message}`];
        }
        break;
      }
      case 'simpleList':
        body[p.key] = asArray(v).map(String).filter((s) => s !== '');
        break;
      default:
        body[p.key] = v;
    }
  }
  return { body, errors };
}

/** Drops id and internal: what PUT accepts from a stored object or version. */
export function propertiesOf(obj: ContentObject): Record<string, unknown> {
  const { id: _id, internal: _internal, ...rest } = obj;
  void _id;
  void _internal;
  return rest;
}

/**
 * Messages for the input at path. With deep, messages about parts of the
 * value (geo.lat, rel[0].dataUrl) are included too, prefixed with the part.
 */
export function errorsAt(errors: FieldErrors, path: string, deep = false): string[] {
  const out: string[] = [...(errors[path] ?? [])];
  if (deep) {
    for (const [k, msgs] of Object.entries(errors)) {
      if (k.length > path.length && k.startsWith(path) && (k[path.length] === '.' || k[path.length] === '[')) {
        const part = k.slice(path.length).replace(/^\./, '');
        for (const m of msgs) out.push(`${part}: ${m}`);
      }
    }
  }
  return [...new Set(out)];
}

/** The messages no input of the form will show (id, body, errors, ...). */
export function unplacedErrors(errors: FieldErrors, props: PropModel[]): string[] {
  const keys = new Set(props.map((p) => p.key));
  const out: string[] = [];
  for (const [k, msgs] of Object.entries(errors)) {
    const head = /^[^.[]+/.exec(k)?.[0] ?? k;
    if (keys.has(head)) continue;
    for (const m of msgs) out.push(k === 'errors' ? m : `${k}: ${m}`);
  }
  return out;
}

/** Flotiq's filters JSON for a title search, or "" when there is nothing to search. */
export function titleFilter(query: string, titleField: string): string {
  const q = query.trim();
  if (!q || !titleField) return '';
  return JSON.stringify({ [titleField]: { type: 'contains', filter: q } });
}

/** The relation stub Flotiq stores for an object. */
export function dataSourceOf(type: string, id: string): DataSource {
  return { dataUrl: `/api/v1/content/${type}/${id}`, type: 'internal' };
}

/** Splits a dataUrl into its type and id. */
export function parseDataUrl(url: string): { type: string; id: string } | null {
  const m = /^\/api\/v1\/content\/([^/]+)\/([^/]+)$/.exec(url);
  return m ? { type: decodeURIComponent(m[1]), id: decodeURIComponent(m[2]) } : null;
}

/** A short text for a value in a table cell. */
export function cellText(p: PropModel | undefined, v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (p?.inputType === 'checkbox') return v ? '✓' : '✗';
  if (p?.inputType === 'datasource') return `${asArray(v).length} related`;
  if (p?.inputType === 'object') return `${asArray(v).length} items`;
  if (p?.inputType === 'geo') {
    const g = v as GeoValue;
    return `${g.lat}, ${g.lon}`;
  }
  if (p?.inputType === 'select' && p.useOptionsWithLabels) {
    const label = (x: unknown) => p.options.find((o) => o.value === x)?.label ?? String(x);
    return Array.isArray(v) ? v.map(label).join(', ') : label(v);
  }
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  const s = String(v);
  return s.length > 80 ? s.slice(0, 79) + '…' : s;
}
