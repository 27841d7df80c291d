/**
 * Refusals that name what blocks. Flotiq's own answer for a type with
 * objects is a fixed sentence (kept as it is for Flotiq's clients); the UI
 * looks up how many objects there are and says so.
 */
import { api, ApiError } from './api';
import { plural } from './delivery';
import { referrers } from './api/deliveries';

export async function explainTypeDelete(name: string, e: unknown): Promise<unknown> {
  if (!(e instanceof ApiError) || e.status !== 400 || !(e.fields.errors ?? []).some((m) => /has objects/i.test(m))) return e;
  try {
    const page = await api.listObjects(name, { page: 1, limit: 1, orderBy: 'internal.updatedAt', orderDirection: 'desc', filters: '' });
    const n = page.total_count;
    return new ApiError(400, `Content type has ${plural(n, 'object', 'objects')}. Delete ${n === 1 ? 'it' : 'them'} first.`);
  } catch {
    return e;
  }
}

/** "This content object is used in blogpost-123 (Hello webhooks)." instead of Flotiq's generic sentence. */
export async function explainObjectDelete(type: string, id: string, e: unknown): Promise<unknown> {
  if (!(e instanceof ApiError) || e.status !== 400 || !(e.fields.errors ?? []).some((m) => /used in another content object/i.test(m))) return e;
  try {
    const refs = await referrers(type, id);
    if (refs.total === 0) return e;
    const names = refs.data.slice(0, 3).map((r) => (r.title ? `${r.id} (${r.title})` : r.id));
    const more = refs.total - names.length;
    return new ApiError(400, `This content object is used in ${names.join(', ')}${more > 0 ? ` and ${plural(more, 'other', 'others')}` : ''}.`);
  } catch {
    return e;
  }
}
