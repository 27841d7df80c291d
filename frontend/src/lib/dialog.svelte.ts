/**
 * One app-wide confirm dialog (components/common/ConfirmDialog.svelte, on
 * the platform's <dialog>). ask() resolves true when the person confirms.
 */
export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel?: string;
  danger?: boolean;
}

class Dialogs {
  pending = $state<(ConfirmRequest & { resolve: (ok: boolean) => void }) | null>(null);

  ask(req: ConfirmRequest): Promise<boolean> {
    this.pending?.resolve(false);
    return new Promise((resolve) => (this.pending = { ...req, resolve }));
  }

  answer(ok: boolean) {
    const p = this.pending;
    this.pending = null;
    p?.resolve(ok);
  }
}

export const dialogs = new Dialogs();
