/** An error from the backend, the same shape whichever transport carried it. */
export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
    /** Per-field validation messages, Flotiq's flat {"field":["msg"]} map. */
    public fields: Record<string, string[]> = {},
    /** For a 412 (changed elsewhere): the version that is stored now. */
    public latestVersion?: number,
    /** Technical detail for a person who wants it (folded in the UI). */
    public detail?: string,
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
      return new ApiError(status, b.message, {}, typeof b.latestVersion === 'number' ? b.latestVersion : undefined);
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
    const e = JSON.parse(text) as { status?: number; message?: string; fields?: Record<string, string[]>; latestVersion?: number };
    if (e && typeof e.message === 'string') {
      return new ApiError(e.status ?? 500, e.message, e.fields ?? {}, e.latestVersion);
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

/**
 * An ApiError for a request that got no answer at all: the words say what
 * happened, the browser's own message goes into detail.
 */
export function unreachable(url: string, cause: unknown): ApiError {
  const where = (() => {
    try {
      return new URL(url, typeof location === 'undefined' ? 'http://localhost' : location.href).host;
    } catch {
      return url;
    }
  })();
  const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new ApiError(0, `Hookline at ${where} did not answer. Is it still running?`, {}, undefined, detail);
}
