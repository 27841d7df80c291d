import { describe, expect, it } from 'vitest';
import { newProp, type PropModel } from './model';
import { cellText, errorsAt, parseDataUrl, titleFilter, toDateInput, toFormValues, toPayload, unplacedErrors } from './values';

function prop(key: string, inputType: PropModel['inputType'], patch: Partial<PropModel> = {}): PropModel {
  return { ...newProp(key), inputType, label: key, ...patch };
}

const variants = prop('variants', 'object', { items: [prop('sku', 'text'), prop('stock', 'number')] });
const props = [
  prop('title', 'text'),
  prop('price', 'number'),
  prop('onSale', 'checkbox'),
  prop('tags', 'select', { multiple: true }),
  prop('released', 'dateTime', { showTime: true }),
  prop('where', 'geo'),
  variants,
  prop('extra', 'block'),
];

describe('form values', () => {
  it('fills every control from a stored object', () => {
    const v = toFormValues(props, {
      title: 'Hat', price: 12.5, onSale: true, tags: ['a'], released: '2024-05-01T10:30:00+00:00',
      where: { lat: 1, lon: 2 }, variants: [{ sku: 'H1', stock: 3 }], extra: { time: 1 },
    });
    expect(v).toEqual({
      title: 'Hat', price: 12.5, onSale: true, tags: ['a'], released: '2024-05-01T10:30',
      where: { lat: 1, lon: 2 }, variants: [{ sku: 'H1', stock: 3 }], extra: '{\n  "time": 1\n}',
    });
  });
  it('starts a new object empty', () => {
    expect(toFormValues(props, null)).toEqual({
      title: '', price: null, onSale: false, tags: [], released: '', where: { lat: null, lon: null }, variants: [], extra: '',
    });
  });
  it('cuts dates to what the inputs accept', () => {
    expect(toDateInput('2024-05-01T10:30:00+00:00', false)).toBe('2024-05-01');
    expect(toDateInput('2024-05-01', true)).toBe('2024-05-01T00:00');
    expect(toDateInput('nonsense', true)).toBe('');
  });
});

describe('toPayload', () => {
  it('leaves out empty optional values the schema would refuse', () => {
    const { body, errors } = toPayload(props, toFormValues(props, null));
    expect(errors).toEqual({});
    expect(body).toEqual({ title: '', onSale: false, tags: [], variants: [] });
  });
  it('round-trips a stored object', () => {
    const obj = { title: 'Hat', price: 0, onSale: false, tags: ['a', 'b'], released: '2024-05-01T10:30', where: { lat: 0, lon: 5 }, variants: [{ sku: 'x', stock: 1 }], extra: { blocks: [] } };
    expect(toPayload(props, toFormValues(props, obj)).body).toEqual(obj);
  });
  it('reports JSON that does not parse under the field path, rows included', () => {
    const p = [prop('rows', 'object', { items: [prop('data', 'custom')] })];
    const { errors } = toPayload(p, { rows: [{ data: '{}' }, { data: '{nope' }] });
    expect(Object.keys(errors)).toEqual(['rows[1].data']);
  });
});

describe('error placement', () => {
  const errors = {
    title: ['The property title is required'],
    'variants[0].sku': ['Must be at least 1 characters long'],
    'where.lat': ['Must be between -90 and 90'],
    id: ['This value is already used'],
    errors: ['Content object is used in another content object.'],
  };
  it('finds the messages of one input', () => {
    expect(errorsAt(errors, 'title')).toEqual(['The property title is required']);
    expect(errorsAt(errors, 'variants[0].sku')).toEqual(['Must be at least 1 characters long']);
    expect(errorsAt(errors, 'where')).toEqual([]);
    expect(errorsAt(errors, 'where', true)).toEqual(['lat: Must be between -90 and 90']);
    expect(errorsAt(errors, 'tit', true)).toEqual([]);
  });
  it('collects the messages no input shows', () => {
    expect(unplacedErrors(errors, props)).toEqual(['id: This value is already used', 'Content object is used in another content object.']);
  });
});

describe('helpers', () => {
  it('builds a title filter', () => {
    expect(JSON.parse(titleFilter(' hat ', 'title'))).toEqual({ title: { type: 'contains', filter: 'hat' } });
    expect(titleFilter('  ', 'title')).toBe('');
  });
  it('parses a dataUrl', () => {
    expect(parseDataUrl('/api/v1/content/category/category-1')).toEqual({ type: 'category', id: 'category-1' });
    expect(parseDataUrl('https://x')).toBeNull();
  });
  it('shows select labels in cells', () => {
    const size = prop('size', 'select', { useOptionsWithLabels: true, options: [{ value: 's', label: 'Small' }] });
    expect(cellText(size, 's')).toBe('Small');
    expect(cellText(prop('r', 'datasource'), [{}, {}])).toBe('2 related');
  });
});
