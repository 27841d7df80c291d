/**
 * A field-by-field comparison of two versions of an object, for "Changed
 * elsewhere → Compare" and the version history. Server-owned keys (id,
 * internal) are not fields.
 */
export interface FieldDiff {
  field: string;
  /** JSON of the value, or undefined when the field is absent. */
  left: string | undefined;
  right: string | undefined;
}

function show(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The fields whose values differ between left and right, in a stable order. */
export function diffObjects(left: Record<string, unknown>, right: Record<string, unknown>, order: string[] = []): FieldDiff[] {
  const keys = new Set([...order, ...Object.keys(left), ...Object.keys(right)]);
  const out: FieldDiff[] = [];
  for (const k of keys) {
    if (k === 'id' || k === 'internal') continue;
    const l = JSON.stringify(left[k] ?? null);
    const r = JSON.stringify(right[k] ?? null);
    if (l !== r) out.push({ field: k, left: show(left[k]), right: show(right[k]) });
  }
  return out;
}
