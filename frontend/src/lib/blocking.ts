/**
 * Refusals that name what blocks. Flotiq's own answer for a type with
 * objects is a fixed sentence (kept as it is for Flotiq's clients); the UI
 * looks up how many objects there are and says so.
 */
import { api, ApiError } from './api';
import { plural } from './delivery';

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
