/**
 * The desktop window's own settings and its application menu. In a browser
 * (hookline serve) there is no window: prefs() answers null and the menu
 * never fires.
 */
import * as Bound from '../../../wailsjs/go/main/App';
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import { bound, isDesktop } from './transport';

export interface DesktopPrefs {
  notifyErrors: boolean;
  notifierAvailable: boolean;
}

export const desktopApi = {
  prefs(): Promise<DesktopPrefs | null> {
    return isDesktop ? bound(() => Bound.GetDesktopPrefs()) : Promise.resolve(null);
  },
  setPrefs(p: DesktopPrefs): Promise<DesktopPrefs> {
    return bound(() => Bound.SetDesktopPrefs(p));
  },
  /** Calls fn for each Edit/View menu command; returns an unsubscribe. */
  onMenu(fn: (action: string, text?: string) => void): () => void {
    if (!isDesktop) return () => {};
    return EventsOn('hookline:menu', (d: { action: string; text?: string }) => fn(d.action, d.text));
  },
};
