/**
 * A tiny hash router: the app is a single page served from the Wails asset
 * server or from `hookline serve`, and hash routes work the same in both.
 */
export const screens = ['content', 'types', 'media', 'webhooks', 'deliveries', 'inbox', 'settings'] as const;
export type Screen = (typeof screens)[number];

export interface Route {
  screen: Screen;
  rest: string[];
  /** Parameters after a "?" in the hash, e.g. #/webhooks/new?url=… */
  query: Record<string, string>;
}

function parse(hash: string): Route {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const first = parts[0] as Screen;
  const query = Object.fromEntries(new URLSearchParams(search));
  return screens.includes(first) ? { screen: first, rest: parts.slice(1), query } : { screen: 'content', rest: [], query };
}

/** Asked before leaving the current route; answers whether to leave. */
export type LeaveGuard = () => Promise<boolean>;

class Router {
  current = $state(parse(typeof location === 'undefined' ? '' : location.hash));
  private hash = typeof location === 'undefined' ? '' : location.hash;
  private guard: LeaveGuard | null = null;

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => void this.changed());
    }
  }

  /**
   * A screen with unsaved work sets a guard; the route stays put until the
   * guard agrees. Returns a function that removes the guard.
   */
  setGuard(g: LeaveGuard): () => void {
    this.guard = g;
    return () => {
      if (this.guard === g) this.guard = null;
    };
  }

  private async changed() {
    const target = location.hash;
    if (target === this.hash) return;
    const g = this.guard;
    if (g) {
      // Show the old address while asking; replaceState fires no hashchange.
      history.replaceState(null, '', this.hash || '#/');
      if (!(await g())) return;
      if (this.guard === g) this.guard = null;
      history.replaceState(null, '', target);
    }
    this.hash = target;
    this.current = parse(target);
  }

  go(screen: Screen, ...rest: string[]) {
    location.hash = '#/' + [screen, ...rest].map(encodeURIComponent).join('/');
  }
}

export const router = new Router();
