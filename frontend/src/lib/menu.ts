/**
 * What the desktop window's Edit and View menus do in the page: editing
 * commands where the focus is, and zoom (kept for the session).
 */
import { desktopApi } from './api/desktop';

let zoom = 1;

export function installMenu(): () => void {
  return desktopApi.onMenu((action, text) => {
    switch (action) {
      case 'undo':
      case 'redo':
      case 'cut':
      case 'copy':
      case 'selectAll':
        document.execCommand(action);
        break;
      case 'paste':
        if (text) document.execCommand('insertText', false, text);
        break;
      case 'zoomIn':
      case 'zoomOut':
      case 'zoomReset':
        zoom = action === 'zoomReset' ? 1 : Math.min(2, Math.max(0.6, zoom + (action === 'zoomIn' ? 0.1 : -0.1)));
        document.documentElement.style.setProperty('zoom', String(Math.round(zoom * 10) / 10));
        break;
    }
  });
}
