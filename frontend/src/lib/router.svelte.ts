/**
 * A tiny hash router: the app is a single page served from the Wails asset
 * server or from `hookline serve`, and hash routes work the same in both.
 */
export const screens = ['content', 'types', 'webhooks', 'inbox', 'settings'] as const;
export type Screen = (typeof screens)[number];

function parse(hash: string): { screen: Screen; rest: string[] } {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const first = parts[0] as Screen;
  return screens.includes(first) ? { screen: first, rest: parts.slice(1) } : { screen: 'content', rest: [] };
}

class Router {
  current = $state(parse(typeof location === 'undefined' ? '' : location.hash));

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => (this.current = parse(location.hash)));
    }
  }

  go(screen: Screen, ...rest: string[]) {
    location.hash = '#/' + [screen, ...rest].map(encodeURIComponent).join('/');
  }
}

export const router = new Router();
