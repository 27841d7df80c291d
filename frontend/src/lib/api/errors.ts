/** An error from the backend, the same shape whichever transport carried it. */
export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
    /** Per-field validation messages, Flotiq's flat {"field":["msg"]} map. */
    public fields: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Builds an ApiError from an HTTP error answer. */
export function fromHttp(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b.message === 'string' && ('code' in b)) {
      return new ApiError(status, b.message);
    }
    const fields: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(b)) {
      if (Array.isArray(v)) fields[k] = v.map(String);
    }
    if (Object.keys(fields).length > 0) {
      return new ApiError(status, summarize(fields), fields);
    }
  }
  return new ApiError(status, `Request failed with status ${status}`);
}

/**
 * Builds an ApiError from a rejected Wails promise. The Go bindings encode
 * errors as JSON {"status","message","fields"} so that field messages
 * survive the trip; anything else is shown as it came.
 */
export function fromWails(err: unknown): ApiError {
  const text = typeof err === 'string' ? err : err instanceof Error ? err.message : String(err);
  try {
    const e = JSON.parse(text) as { status?: number; message?: string; fields?: Record<string, string[]> };
    if (e && typeof e.message === 'string') {
      return new ApiError(e.status ?? 500, e.message, e.fields ?? {});
    }
  } catch {
    /* not JSON: fall through */
  }
  return new ApiError(500, text);
}

function summarize(fields: Record<string, string[]>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}: ${v.join(', ')}`)
    .join('; ');
}
