/**
 * The object editor's hook for actions that need a saved object, such as
 * webhook "Custom" buttons (spec §5.1: "saving first if needed").
 *
 * Components rendered inside the editor's toolbar slot
 * (<div class="custom-actions" data-slot="custom-actions">) call
 * getObjectEditor() during their setup, then:
 *
 *   const editor = getObjectEditor();
 *   const obj = await editor?.ensureSaved();   // saves only if dirty or new
 *   if (obj) await callX(editor.typeName, obj.id);
 *
 * ensureSaved resolves to the saved object, or to null when saving failed
 * (the editor then already shows the errors beside the fields).
 */
import { getContext, setContext } from 'svelte';
import type { ContentObject } from '../api/types';

export interface ObjectEditorHandle {
  readonly typeName: string;
  /** The stored object; null while a new object has not been saved. */
  readonly object: ContentObject | null;
  readonly dirty: boolean;
  ensureSaved(): Promise<ContentObject | null>;
}

const KEY = Symbol('hookline:object-editor');

export function setObjectEditor(handle: ObjectEditorHandle): void {
  setContext(KEY, handle);
}

export function getObjectEditor(): ObjectEditorHandle | undefined {
  return getContext<ObjectEditorHandle | undefined>(KEY);
}
