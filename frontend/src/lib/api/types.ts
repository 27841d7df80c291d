/** What Settings shows about this running Hookline. */
export interface Info {
  version: string;
  mode: 'desktop' | 'serve';
  dataDir: string;
  database: string;
  apiUrl: string;
  /** Set when the default port was busy and another was taken. */
  portNote?: string;
  schemaVersion: number;
}

export interface KeySet {
  readWrite: string;
  readOnly: string;
  pinned: boolean;
}

/** Flotiq's list envelope. */
export interface ListPage<T> {
  total_count: number;
  total_pages: number;
  current_page: number;
  count: number;
  data: T[];
}
