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

/** Flotiq's inputType catalogue (spec §1.5). */
export const inputTypes = [
  'text', 'textarea', 'textMarkdown', 'richtext', 'email', 'number', 'radio', 'checkbox',
  'select', 'dateTime', 'datasource', 'object', 'geo', 'simpleList', 'block', 'custom',
] as const;
export type InputType = (typeof inputTypes)[number];

/** A JSON Schema fragment as Flotiq stores it; only the keys we read are typed. */
export interface PropertySchema {
  type?: string;
  minLength?: number;
  minItems?: number;
  pattern?: string;
  items?: PropertySchema & { $ref?: string };
  properties?: Record<string, PropertySchema>;
  required?: string[];
  additionalProperties?: boolean;
  [extra: string]: unknown;
}

/** One entry of metaDefinition.propertiesConfig. */
export interface PropertyConfig {
  label: string;
  inputType: InputType | string;
  unique?: boolean;
  helpText?: string;
  isTitlePart?: boolean;
  hidden?: boolean;
  readonly?: boolean;
  options?: string[];
  useOptionsWithLabels?: boolean;
  optionsWithLabels?: { value: string; label: string }[];
  multiple?: boolean;
  showTime?: boolean;
  isPassword?: boolean;
  validation?: { relationContenttype?: string; relationMultiple?: boolean; [extra: string]: unknown };
  items?: MetaDefinition;
  blockEditorTypes?: string[];
  inputSubtype?: string;
  [extra: string]: unknown;
}

export interface MetaDefinition {
  propertiesConfig: Record<string, PropertyConfig>;
  order: string[];
  [extra: string]: unknown;
}

/**
 * A content type definition in Flotiq's format. Keys we do not model
 * (slugs, featuredImage, draftPublic, ...) are kept as they came.
 */
export interface ContentTypeDefinition {
  id?: string;
  name: string;
  label: string;
  internal?: boolean;
  schemaDefinition: {
    type?: string;
    allOf: [{ $ref: string }, { type?: string; properties: Record<string, PropertySchema> }] | PropertySchema[];
    required?: string[];
    additionalProperties?: boolean;
    [extra: string]: unknown;
  };
  metaDefinition: MetaDefinition;
  createdAt?: string | null;
  updatedAt?: string | null;
  deletedAt?: string | null;
  [extra: string]: unknown;
}

/** The server-owned block of a content object (spec §2.3). */
export interface ObjectInternal {
  contentType: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string;
  objectTitle?: string;
  latestVersion?: number;
  [extra: string]: unknown;
}

/** A content object: property values plus id and internal. */
export interface ContentObject {
  id: string;
  internal?: ObjectInternal;
  [property: string]: unknown;
}

/** A relation item, as Flotiq stores relations. */
export interface DataSource {
  dataUrl: string;
  type: 'internal' | 'external';
}

/** One entry of an object's version list. */
export interface ObjectVersion extends ContentObject {
  version: number;
  current?: boolean;
  createdAt?: string;
  updatedAt?: string;
}

/** Query for a page of objects; filters is Flotiq's filters JSON, or "". */
export interface ObjectQuery {
  page: number;
  limit: number;
  orderBy: string;
  orderDirection: 'asc' | 'desc' | '';
  filters: string;
  /** Draft & Public types only: draft, public, modified or archived; '' for all. */
  status?: string;
}

/** Answer of batch-delete. */
export interface BatchDeleteResult {
  deletedCount: number;
}

/** What "Load demo" created. */
export interface DemoResult {
  types: string[];
  objects: number;
  inbox: string;
  webhookId: string;
}

/** The delivery engine's settings; empty values mean the defaults. */
export interface DeliverySettings {
  workers: number;
  timeout: string;
  retryDelays: string[];
}

export interface SettingsView {
  stored: DeliverySettings;
  running: DeliverySettings;
  /** Settings a command-line flag overrides (workers, timeout, retryDelays). */
  flags: string[];
  restartNeeded: boolean;
}
