/**
 * Guards unsaved changes: asks before leaving through the app's router, and
 * lets the browser warn on closing the page. Call it while a component is
 * being created; the guard goes away with the component.
 */
import { onDestroy } from 'svelte';
import { dialogs } from './dialog.svelte';
import { router } from './router.svelte';

export function guardUnsaved(isDirty: () => boolean, message: string): void {
  const unguard = router.setGuard(async () =>
    !isDirty() || dialogs.ask({ title: 'Discard changes?', message, confirmLabel: 'Discard', danger: true }),
  );
  const beforeUnload = (e: BeforeUnloadEvent) => {
    if (isDirty()) e.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);
  onDestroy(() => {
    unguard();
    window.removeEventListener('beforeunload', beforeUnload);
  });
}
