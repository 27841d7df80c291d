/**
 * Settings' choice of database: SQLite in the data folder, or a PostgreSQL
 * URL kept in the data folder's database.json for the next start. Only the
 * app's own UI reaches these calls (the routes refuse API keys). No answer
 * ever holds a password: URLs come back as postgres://user:xxxxx@host/db.
 */
import * as Bound from '../../../wailsjs/go/main/App';
import { bound, http, isDesktop } from './transport';

export type DatabaseSource = 'flag' | 'env' | 'file' | 'default';

export interface DatabaseView {
  /** What this run uses. */
  engine: 'sqlite' | 'postgres';
  /** The SQLite file, or the URL with its password masked. */
  location: string;
  source: DatabaseSource;
  /** "--database" or "HOOKLINE_DATABASE_URL" when one decides; Settings cannot change it then. */
  pinnedBy: string;
  /** Path of database.json. */
  file: string;
  /** The saved URL, masked; "" when nothing is saved. */
  saved: string;
  /** The next start opens another database than this run. */
  restartNeeded: boolean;
  next: 'sqlite' | 'postgres';
}

export interface DatabaseTest {
  url: string;
  /** SELECT version(). */
  serverVersion: string;
  schema: string;
  /** 0: Hookline has not used this schema yet. */
  schemaVersion: number;
  knownVersion: number;
  otherTables: number;
}

export const databaseApi = {
  get(): Promise<DatabaseView> {
    return isDesktop ? bound(() => Bound.DatabaseSetting()) : http().request('GET', '/api/ui/database');
  },
  /** Connects and looks; changes nothing. A failure is an ApiError with fields.url. */
  test(url: string): Promise<DatabaseTest> {
    return isDesktop ? bound(() => Bound.TestDatabase(url)) : http().request('POST', '/api/ui/database/test', { url });
  },
  /** Tests, then keeps the URL for the next start. */
  save(url: string): Promise<DatabaseView> {
    return isDesktop ? bound(() => Bound.SaveDatabase(url)) : http().request('PUT', '/api/ui/database', { url });
  },
  /** SQLite in the data folder from the next start. */
  useSQLite(): Promise<DatabaseView> {
    return isDesktop ? bound(() => Bound.UseSQLite()) : http().request('DELETE', '/api/ui/database');
  },
};

/**
 * The URL to send: `url` with `password` put in (percent-encoded, so that
 * characters such as @ / : in a password cannot break the URL). An empty
 * password leaves the URL as typed, and so does a URL that cannot be
 * parsed: the server's own message is then shown for it.
 */
export function withPassword(url: string, password: string): string {
  const u = url.trim();
  if (!password) return u;
  try {
    const parsed = new URL(u);
    if (!parsed.host) return u;
    parsed.password = password;
    return parsed.toString();
  } catch {
    return u;
  }
}

/** Where the running database was chosen, in words. */
export function describeSource(v: Pick<DatabaseView, 'source' | 'file'>): string {
  switch (v.source) {
    case 'flag':
      return 'the --database flag';
    case 'env':
      return 'the HOOKLINE_DATABASE_URL variable';
    case 'file':
      return `Settings (${v.file})`;
    default:
      return 'nothing: SQLite in the data folder is the default';
  }
}
