/**
 * Feedback after every create, save, delete and failure, as toasts
 * (svelte-sonner; the <Toaster> sits once in App.svelte). A failure names
 * what went wrong in words; the technical detail, when there is one, is
 * the toast's description.
 */
import { toast } from 'svelte-sonner';
import { ApiError } from './api/errors';

function describe(e: unknown): { message: string; detail?: string } {
  if (e instanceof ApiError) {
    const fields = Object.keys(e.fields);
    const message = fields.length === 1 && e.fields.errors ? e.fields.errors.join(' ') : e.message;
    return { message, detail: e.detail };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

export const notify = {
  success(message: string) {
    toast.success(message);
  },
  info(message: string) {
    toast.info(message);
  },
  /** "Save failed: <what the server said>". */
  failure(what: string, e: unknown) {
    const d = describe(e);
    toast.error(`${what}: ${d.message}`, d.detail ? { description: d.detail } : undefined);
  },
};
