/**
 * The modeler's view of a content type, and its conversion to and from
 * Flotiq's definition JSON (spec §1.2–§1.5).
 *
 * The modeler edits a flat list of PropModel; Flotiq splits each property
 * between schemaDefinition (JSON Schema) and metaDefinition (UI settings).
 * Keys the modeler does not manage are carried in the *Extra maps and written
 * back unchanged, so a pasted Flotiq export survives a round trip.
 */
import type { ContentTypeDefinition, InputType, MetaDefinition, PropertyConfig, PropertySchema } from '../api/types';

export const ABSTRACT_REF = '#/components/schemas/AbstractContentTypeSchemaDefinition';
export const DATASOURCE_REF = '#/components/schemas/DataSource';

/** Flotiq's editor.js block schema (spec §1.4). */
export const BLOCK_SCHEMA: PropertySchema = {
  type: 'object',
  properties: {
    time: { type: 'number' },
    blocks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          type: { type: 'string' },
          data: { type: 'object', properties: { text: { type: 'string' } }, additionalProperties: true },
        },
      },
    },
    version: { type: 'string' },
  },
  additionalProperties: false,
};

export const BLOCK_TYPES = ['header', 'list', 'image', 'youtubeEmbed', 'quote', 'warning', 'delimiter', 'code', 'table'];

/** Labels for the input type picker, as the Flotiq panel names them. */
export const inputTypeLabels: Record<InputType, string> = {
  text: 'Text',
  textarea: 'Long text',
  textMarkdown: 'Markdown',
  richtext: 'Rich text',
  email: 'Email',
  number: 'Number',
  radio: 'Radio',
  checkbox: 'Checkbox',
  select: 'Select',
  dateTime: 'Date',
  datasource: 'Relation',
  object: 'List (of objects)',
  geo: 'Geo',
  simpleList: 'Simple list',
  block: 'Block (JSON)',
  custom: 'Custom (JSON)',
};

/** Which settings apply to which input types (panel "Property settings", §1.5). */
// These govern what the modeler offers. What it writes keeps whatever a pasted
// definition set, except unique where Flotiq forbids it.
const UNIQUE = new Set<string>(['text', 'textarea', 'richtext', 'email', 'number', 'select', 'datasource']);
const TITLE = new Set<string>(['text', 'textarea', 'email', 'number', 'select']);
const HIDE_RO = new Set<string>(['text', 'textarea', 'email', 'number', 'radio', 'checkbox', 'select']);
const NEVER_UNIQUE = new Set<string>(['radio', 'checkbox', 'block']);
export const supports = {
  unique: (t: string) => UNIQUE.has(t),
  titlePart: (t: string) => TITLE.has(t),
  hiddenReadonly: (t: string) => HIDE_RO.has(t),
  pattern: (t: string) => t === 'text',
  options: (t: string) => t === 'radio' || t === 'select',
};

export interface OptionModel {
  value: string;
  label: string;
}

export interface PropModel {
  key: string;
  label: string;
  inputType: InputType | string;
  required: boolean;
  unique: boolean;
  isTitlePart: boolean;
  helpText: string;
  hidden: boolean;
  readonly: boolean;
  /** text: a regex the value must match. */
  pattern: string;
  /** text: mask the input. */
  isPassword: boolean;
  /** radio/select. For radio (and select without labels) label equals value. */
  options: OptionModel[];
  useOptionsWithLabels: boolean;
  /** select: the value is an array of strings. */
  multiple: boolean;
  /** datasource. */
  relationContenttype: string;
  relationMultiple: boolean;
  /** dateTime. */
  showTime: boolean;
  /** block. */
  blockEditorTypes: string[];
  /** custom. */
  inputSubtype: string;
  /** object (list): the sub-properties of each row. */
  items: PropModel[];
  /** Schema and meta keys of the property that the modeler does not manage. */
  schemaExtra: Record<string, unknown>;
  metaExtra: Record<string, unknown>;
}

export interface TypeModel {
  name: string;
  label: string;
  properties: PropModel[];
  /** Top-level keys the modeler does not manage (slugs, draftPublic, id, ...). */
  extra: Record<string, unknown>;
  schemaExtra: Record<string, unknown>;
  metaExtra: Record<string, unknown>;
}

export function newProp(key = '', inputType: InputType = 'text'): PropModel {
  return {
    key,
    label: '',
    inputType,
    required: false,
    unique: false,
    isTitlePart: false,
    helpText: '',
    hidden: false,
    readonly: false,
    pattern: '',
    isPassword: false,
    options: [],
    useOptionsWithLabels: false,
    multiple: false,
    relationContenttype: '',
    relationMultiple: false,
    showTime: false,
    blockEditorTypes: [],
    inputSubtype: '',
    items: [],
    schemaExtra: {},
    metaExtra: {},
  };
}

export function newType(): TypeModel {
  return { name: '', label: '', properties: [], extra: {}, schemaExtra: {}, metaExtra: {} };
}

// Keys generated from the model. Anything else is "extra" and kept.
const MANAGED_SCHEMA = ['type', 'minLength', 'minItems', 'pattern', 'items', 'properties', 'required', 'additionalProperties', '$ref'];
const MANAGED_META = [
  'label', 'inputType', 'unique', 'helpText', 'isTitlePart', 'hidden', 'readonly', 'options', 'useOptionsWithLabels',
  'optionsWithLabels', 'multiple', 'showTime', 'isPassword', 'validation', 'items', 'blockEditorTypes', 'inputSubtype',
];
const MANAGED_TOP = ['name', 'label', 'schemaDefinition', 'metaDefinition'];

function omit(obj: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj ?? {})) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** The properties object of a definition's schema, whichever form it has. */
export function schemaProperties(def: ContentTypeDefinition): Record<string, PropertySchema> {
  const sd = def.schemaDefinition as { allOf?: PropertySchema[]; properties?: Record<string, PropertySchema> } | undefined;
  if (sd?.allOf) {
    for (const part of sd.allOf) if (part && part.properties) return part.properties;
    return {};
  }
  // resolveRef form: flat properties, including id and internal.
  return omit(sd?.properties ?? {}, ['id', 'internal']) as Record<string, PropertySchema>;
}

function propFrom(key: string, schema: PropertySchema | undefined, meta: PropertyConfig | undefined, required: boolean): PropModel {
  const s = schema ?? {};
  const m = meta ?? ({ label: key, inputType: 'text' } as PropertyConfig);
  const p = newProp(key, (m.inputType as InputType) ?? 'text');
  p.label = m.label ?? '';
  p.required = required;
  p.unique = !!m.unique;
  p.isTitlePart = !!m.isTitlePart;
  p.helpText = m.helpText ?? '';
  p.hidden = !!m.hidden;
  p.readonly = !!m.readonly;
  p.pattern = typeof s.pattern === 'string' ? s.pattern : '';
  p.isPassword = !!m.isPassword;
  p.useOptionsWithLabels = !!m.useOptionsWithLabels;
  if (m.useOptionsWithLabels && Array.isArray(m.optionsWithLabels)) {
    p.options = m.optionsWithLabels.map((o) => ({ value: String(o.value), label: String(o.label ?? o.value) }));
  } else if (Array.isArray(m.options)) {
    p.options = m.options.map((o) => ({ value: String(o), label: String(o) }));
  }
  p.multiple = !!m.multiple;
  p.relationContenttype = m.validation?.relationContenttype ?? '';
  p.relationMultiple = !!m.validation?.relationMultiple;
  p.showTime = !!m.showTime;
  p.blockEditorTypes = Array.isArray(m.blockEditorTypes) ? [...m.blockEditorTypes] : [];
  p.inputSubtype = m.inputSubtype ?? '';
  if (p.inputType === 'object') {
    const itemSchema = s.items ?? {};
    const sub = m.items ?? { propertiesConfig: {}, order: [] };
    p.items = propsFrom(itemSchema.properties ?? {}, sub, itemSchema.required ?? []);
  }
  // Block and custom schemas are taken whole: their shape is not ours to build.
  p.schemaExtra = p.inputType === 'custom' ? { ...s } : omit(s, MANAGED_SCHEMA);
  const metaExtra = omit(m, MANAGED_META);
  if (m.validation) {
    const v = omit(m.validation, ['relationContenttype', 'relationMultiple']);
    if (Object.keys(v).length) metaExtra.validation = v;
  }
  p.metaExtra = metaExtra;
  return p;
}

function propsFrom(props: Record<string, PropertySchema>, meta: MetaDefinition, required: string[]): PropModel[] {
  const order = [...(meta.order ?? [])];
  // Properties missing from order still appear, after the ordered ones.
  for (const k of Object.keys(props)) if (!order.includes(k)) order.push(k);
  for (const k of Object.keys(meta.propertiesConfig ?? {})) if (!order.includes(k)) order.push(k);
  return order.map((k) => propFrom(k, props[k], meta.propertiesConfig?.[k], required.includes(k)));
}

/** Reads a Flotiq definition into the modeler. */
export function fromDefinition(def: ContentTypeDefinition): TypeModel {
  const sd = def.schemaDefinition ?? ({} as ContentTypeDefinition['schemaDefinition']);
  const md = def.metaDefinition ?? { propertiesConfig: {}, order: [] };
  return {
    name: def.name ?? '',
    label: def.label ?? '',
    properties: propsFrom(schemaProperties(def), md, sd.required ?? []),
    extra: omit(def, MANAGED_TOP),
    schemaExtra: omit(sd, ['type', 'allOf', 'required', 'additionalProperties', 'properties']),
    metaExtra: omit(md, ['propertiesConfig', 'order']),
  };
}

function schemaOf(p: PropModel): PropertySchema {
  let s: PropertySchema;
  switch (p.inputType) {
    case 'number':
      s = { type: 'number' };
      break;
    case 'checkbox':
      s = { type: 'boolean' };
      break;
    case 'select':
      s = p.multiple ? { type: 'array', items: { type: 'string' }, minItems: p.required ? 1 : 0 } : { type: 'string' };
      break;
    case 'datasource':
      s = { type: 'array', items: { $ref: DATASOURCE_REF }, minItems: p.required ? 1 : 0 };
      break;
    case 'simpleList':
      s = { type: 'array', items: { type: 'string' }, minItems: p.required ? 1 : 0 };
      break;
    case 'object': {
      const sub = schemaBlock(p.items);
      const items: PropertySchema = { type: 'object', properties: sub.properties };
      if (sub.required.length) items.required = sub.required;
      s = { type: 'array', items, minItems: p.required ? 1 : 0 };
      break;
    }
    case 'geo':
      s = { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } }, additionalProperties: false };
      if (p.required) s.required = ['lat', 'lon'];
      break;
    case 'block':
      s = structuredClone(BLOCK_SCHEMA);
      break;
    case 'custom':
      // Kept whole from the source; a new custom property is free-form.
      return Object.keys(p.schemaExtra).length ? { ...p.schemaExtra } : { type: 'object' };
    default:
      s = { type: 'string' };
      if (p.required) s.minLength = 1;
      if (p.inputType === 'text' && p.pattern) s.pattern = p.pattern;
  }
  if (p.inputType === 'select' && !p.multiple && p.required) s.minLength = 1;
  return { ...p.schemaExtra, ...s };
}

function metaOf(p: PropModel): PropertyConfig {
  const m: PropertyConfig = {
    ...p.metaExtra,
    label: p.label,
    unique: p.unique && !NEVER_UNIQUE.has(p.inputType),
    helpText: p.helpText,
    inputType: p.inputType,
  };
  if (p.isTitlePart) m.isTitlePart = true;
  if (p.hidden) m.hidden = true;
  if (p.readonly) m.readonly = true;
  switch (p.inputType) {
    case 'text':
      if (p.isPassword) m.isPassword = true;
      break;
    case 'radio':
      m.options = p.options.map((o) => o.value);
      break;
    case 'select':
      m.options = p.options.map((o) => o.value);
      m.multiple = p.multiple;
      if (p.useOptionsWithLabels) {
        m.useOptionsWithLabels = true;
        m.optionsWithLabels = p.options.map((o) => ({ value: o.value, label: o.label }));
      }
      break;
    case 'dateTime':
      m.showTime = p.showTime;
      break;
    case 'datasource': {
      const extra = (p.metaExtra.validation as Record<string, unknown> | undefined) ?? {};
      m.validation = { ...extra, relationContenttype: p.relationContenttype, relationMultiple: p.relationMultiple };
      break;
    }
    case 'object':
      m.items = metaBlock(p.items);
      break;
    case 'block':
      if (p.blockEditorTypes.length) m.blockEditorTypes = [...p.blockEditorTypes];
      break;
    case 'custom':
      if (p.inputSubtype) m.inputSubtype = p.inputSubtype;
      break;
  }
  return m;
}

function schemaBlock(props: PropModel[]): { properties: Record<string, PropertySchema>; required: string[] } {
  const properties: Record<string, PropertySchema> = {};
  const required: string[] = [];
  for (const p of props) {
    properties[p.key] = schemaOf(p);
    if (p.required) required.push(p.key);
  }
  return { properties, required };
}

function metaBlock(props: PropModel[]): MetaDefinition {
  const propertiesConfig: Record<string, PropertyConfig> = {};
  for (const p of props) propertiesConfig[p.key] = metaOf(p);
  return { propertiesConfig, order: props.map((p) => p.key) };
}

/** Writes the modeler's state as a Flotiq definition. */
export function toDefinition(m: TypeModel): ContentTypeDefinition {
  const { properties, required } = schemaBlock(m.properties);
  return {
    ...m.extra,
    name: m.name,
    label: m.label,
    schemaDefinition: {
      ...m.schemaExtra,
      type: 'object',
      allOf: [{ $ref: ABSTRACT_REF }, { type: 'object', properties }],
      required,
      additionalProperties: false,
    },
    metaDefinition: { ...m.metaExtra, ...metaBlock(m.properties) },
  };
}

/** Server-owned keys; they are shown in the JSON tab but never sent back. */
const SERVER_KEYS = ['id', 'createdAt', 'updatedAt', 'deletedAt', 'internal'];

/** The definition as the API expects it on create and update. */
export function forSave(def: ContentTypeDefinition): ContentTypeDefinition {
  return omit(def, SERVER_KEYS) as unknown as ContentTypeDefinition;
}

export const RESERVED_KEYS = ['id', '_id', '_index', '_type', '_source', '_score', '_routing', '_version', '_shards', 'objectType', 'internal'];

/**
 * Checks what the modeler can check before the server does (spec §1.2). It
 * answers with the same flat field map the server uses, keyed by the
 * modeler's own paths (name, label, properties[i].key, ...).
 */
export function checkModel(m: TypeModel): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (k: string, msg: string) => (out[k] ??= []).push(msg);
  if (!m.name) add('name', 'The property name is required');
  else if (!/^[_a-z]+$/.test(m.name)) add('name', 'Only lower-case letters a-z and _ are allowed');
  if (!m.label.trim()) add('label', 'The property label is required');
  if (m.properties.length === 0) add('properties', 'You must specify at least one schema property');
  checkProps(m.properties, 'properties', add);
  return out;
}

function checkProps(props: PropModel[], base: string, add: (k: string, msg: string) => void) {
  const seen = new Set<string>();
  props.forEach((p, i) => {
    const at = `${base}[${i}]`;
    if (!p.key) add(`${at}.key`, 'The key is required');
    else if (!/^[a-zA-Z0-9_]+$/.test(p.key)) add(`${at}.key`, 'Invalid value. Only a-z, A-Z, 0-9 and _ are allowed');
    else if (RESERVED_KEYS.includes(p.key)) add(`${at}.key`, `Property name ${p.key} not allowed`);
    else if (seen.has(p.key)) add(`${at}.key`, 'This key is already used');
    seen.add(p.key);
    if (!p.label.trim()) add(`${at}.label`, 'The property label is required');
    if (p.inputType === 'datasource' && !p.relationContenttype) add(`${at}.relationContenttype`, `You have to specify type of relation for ${p.key || 'this property'}`);
    if ((p.inputType === 'radio' || p.inputType === 'select') && p.options.length === 0) add(`${at}.options`, 'Add at least one option');
    if (p.inputType === 'text' && p.pattern) {
      try {
        new RegExp(p.pattern);
      } catch {
        add(`${at}.pattern`, 'This is not a valid regular expression');
      }
    }
    if (p.inputType === 'object') {
      if (p.items.length === 0) add(`${at}.items`, 'A list needs at least one sub-property');
      checkProps(p.items, `${at}.items`, add);
    }
  });
}

/**
 * Maps a server error key about a definition (spec §1.6) to the modeler's
 * path for the same thing, so the message can sit beside its input.
 */
export function modelPathOf(serverKey: string, m: TypeModel): string {
  if (serverKey === 'name' || serverKey === 'label') return serverKey;
  const idx = (key: string) => m.properties.findIndex((p) => p.key === key);
  let r = /^metaDefinition\.propertiesConfig\.([A-Za-z0-9_]+)(?:\.(\w+))?/.exec(serverKey);
  if (r) {
    const i = idx(r[1]);
    if (i >= 0) return `properties[${i}]` + (r[2] === 'label' ? '.label' : r[2] === 'validation' ? '.relationContenttype' : '');
  }
  r = /^schemaDefinition\.allOf(?:\[1\]|\.1)\.properties\.([A-Za-z0-9_]+)/.exec(serverKey);
  if (r) {
    const i = idx(r[1]);
    if (i >= 0) return `properties[${i}]`;
  }
  if (serverKey.startsWith('schemaDefinition.allOf') || serverKey === 'schemaDefinition.properties') return 'properties';
  return serverKey;
}

/**
 * Switches a property to another input type. Settings that make no sense for
 * the new type are cleared, and so are the kept extra keys, which belonged to
 * the old type's schema.
 */
export function changeInputType(p: PropModel, t: InputType): void {
  p.inputType = t;
  p.schemaExtra = {};
  p.metaExtra = {};
  if (!supports.unique(t)) p.unique = false;
  if (!supports.titlePart(t)) p.isTitlePart = false;
  if (!supports.hiddenReadonly(t)) {
    p.hidden = false;
    p.readonly = false;
  }
  if (t !== 'text') {
    p.pattern = '';
    p.isPassword = false;
  }
  if (t === 'object' && p.items.length === 0) {
    const first = newProp('name', 'text');
    first.label = 'Name';
    p.items = [first];
  }
}

/** A property key suggested by its label: "Unit price" → "unitPrice". */
export function keyFromLabel(label: string): string {
  const words = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const key = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('');
  return /^[0-9]/.test(key) ? '_' + key : key;
}

/** A type name suggested by its label: "Blog posts" → "blog_posts". */
export function nameFromLabel(label: string): string {
  return label
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
