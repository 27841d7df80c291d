import { describe, expect, it } from 'vitest';
import type { ContentTypeDefinition } from '../api/types';
import { ABSTRACT_REF, changeInputType, checkModel, forSave, fromDefinition, modelPathOf, newProp, newType, toDefinition } from './model';

// A Flotiq export with every input type the modeler builds, plus keys it
// does not manage (slugs, draftPublic, a schema default, a meta "extra").
const product: ContentTypeDefinition = {
  id: '77721433-f727-11e9-bf7c-129df7ebe82d',
  name: 'product',
  label: 'Product',
  draftPublic: false,
  slugs: [{ source: 'title', target: 'slug', active: true }],
  schemaDefinition: {
    type: 'object',
    allOf: [
      { $ref: ABSTRACT_REF },
      {
        type: 'object',
        properties: {
          title: { type: 'string', minLength: 1, pattern: '^[A-Z]' },
          slug: { type: 'string', default: 'x' },
          price: { type: 'number' },
          size: { type: 'string', minLength: 1 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 0 },
          color: { type: 'string' },
          onSale: { type: 'boolean' },
          released: { type: 'string' },
          category: { type: 'array', items: { $ref: '#/components/schemas/DataSource' }, minItems: 1 },
          where: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } }, additionalProperties: false },
          variants: {
            type: 'array',
            minItems: 0,
            items: { type: 'object', properties: { sku: { type: 'string', minLength: 1 }, stock: { type: 'number' } }, required: ['sku'] },
          },
          notes: { type: 'array', items: { type: 'string' }, minItems: 0 },
          widget: { type: 'string', format: 'weird' },
        },
      },
    ],
    required: ['title', 'size', 'category'],
    additionalProperties: false,
  },
  metaDefinition: {
    order: ['title', 'slug', 'price', 'size', 'tags', 'color', 'onSale', 'released', 'category', 'where', 'variants', 'notes', 'widget'],
    propertiesConfig: {
      title: { label: 'Title', unique: true, helpText: 'Big letters', inputType: 'text', isTitlePart: true, fancy: 1 },
      slug: { label: 'Slug', unique: false, helpText: '', inputType: 'text' },
      price: { label: 'Price', unique: false, helpText: '', inputType: 'number' },
      size: {
        label: 'Size', unique: false, helpText: '', inputType: 'select', options: ['s', 'm'], multiple: false,
        useOptionsWithLabels: true, optionsWithLabels: [{ value: 's', label: 'Small' }, { value: 'm', label: 'Medium' }],
      },
      tags: { label: 'Tags', unique: false, helpText: '', inputType: 'select', options: ['a', 'b'], multiple: true },
      color: { label: 'Color', unique: false, helpText: '', inputType: 'radio', options: ['red', 'blue'] },
      onSale: { label: 'On sale', unique: false, helpText: '', inputType: 'checkbox' },
      released: { label: 'Released', unique: false, helpText: '', inputType: 'dateTime', showTime: true },
      category: { label: 'Category', unique: false, helpText: '', inputType: 'datasource', validation: { relationContenttype: 'category', relationMultiple: false } },
      where: { label: 'Where', unique: false, helpText: '', inputType: 'geo' },
      variants: {
        label: 'Variants', unique: false, helpText: '', inputType: 'object',
        items: { order: ['sku', 'stock'], propertiesConfig: { sku: { label: 'SKU', unique: false, helpText: '', inputType: 'text' }, stock: { label: 'Stock', unique: false, helpText: '', inputType: 'number' } } },
      },
      notes: { label: 'Notes', unique: false, helpText: '', inputType: 'simpleList' },
      widget: { label: 'Widget', unique: false, helpText: '', inputType: 'custom', inputSubtype: 'color' },
    },
  },
  createdAt: '2019-10-25T13:00:50.000000+0000',
};

describe('fromDefinition', () => {
  it('reads every setting of §1.5', () => {
    const m = fromDefinition(product);
    expect(m.properties.map((p) => p.key)).toEqual(product.metaDefinition.order);
    const [title, , , size, tags, , , released, category, , variants] = m.properties;
    expect(title).toMatchObject({ required: true, unique: true, isTitlePart: true, pattern: '^[A-Z]', helpText: 'Big letters' });
    expect(title.metaExtra).toEqual({ fancy: 1 });
    expect(size.options).toEqual([{ value: 's', label: 'Small' }, { value: 'm', label: 'Medium' }]);
    expect(size.useOptionsWithLabels).toBe(true);
    expect(tags.multiple).toBe(true);
    expect(released.showTime).toBe(true);
    expect(category).toMatchObject({ relationContenttype: 'category', required: true });
    expect(variants.items.map((p) => [p.key, p.required])).toEqual([['sku', true], ['stock', false]]);
    expect(m.extra).toMatchObject({ draftPublic: false, slugs: product.slugs, id: product.id });
  });
});

describe('toDefinition', () => {
  it('round-trips a Flotiq definition, extra keys included', () => {
    expect(toDefinition(fromDefinition(product))).toEqual(product);
  });

  it('is stable: model → definition → model → definition', () => {
    const once = toDefinition(fromDefinition(product));
    expect(toDefinition(fromDefinition(structuredClone(once)))).toEqual(once);
  });

  it('builds the schema Flotiq expects from a fresh model', () => {
    const m = newType();
    m.name = 'post';
    m.label = 'Post';
    const title = newProp('title', 'text');
    title.label = 'Title';
    title.required = true;
    title.isTitlePart = true;
    const where = newProp('where', 'geo');
    where.label = 'Where';
    where.required = true;
    m.properties = [title, where];
    const def = toDefinition(m);
    expect(def.schemaDefinition).toEqual({
      type: 'object',
      allOf: [
        { $ref: ABSTRACT_REF },
        {
          type: 'object',
          properties: {
            title: { type: 'string', minLength: 1 },
            where: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } }, additionalProperties: false, required: ['lat', 'lon'] },
          },
        },
      ],
      required: ['title', 'where'],
      additionalProperties: false,
    });
    expect(def.metaDefinition).toEqual({
      order: ['title', 'where'],
      propertiesConfig: {
        title: { label: 'Title', unique: false, helpText: '', inputType: 'text', isTitlePart: true },
        where: { label: 'Where', unique: false, helpText: '', inputType: 'geo' },
      },
    });
  });

  it('never writes unique for radio, checkbox or block', () => {
    const p = newProp('ok', 'checkbox');
    p.unique = true;
    const def = toDefinition({ ...newType(), name: 'x', label: 'X', properties: [p] });
    expect(def.metaDefinition.propertiesConfig.ok.unique).toBe(false);
  });

  it('forSave drops the server-owned keys', () => {
    const out = forSave(toDefinition(fromDefinition(product)));
    expect(out.id).toBeUndefined();
    expect(out.createdAt).toBeUndefined();
    expect(out.slugs).toEqual(product.slugs);
  });
});

describe('changeInputType', () => {
  it('clears settings the new type has no use for', () => {
    const p = fromDefinition(product).properties[0];
    changeInputType(p, 'checkbox');
    expect(p).toMatchObject({ unique: false, isTitlePart: false, pattern: '', metaExtra: {} });
    changeInputType(p, 'object');
    expect(p.items.length).toBe(1);
  });
});

describe('checkModel', () => {
  it('reports what the server would refuse, by modeler path', () => {
    const m = newType();
    m.name = 'Bad-Name';
    const a = newProp('id', 'text');
    a.label = 'A';
    const b = newProp('rel', 'datasource');
    const c = newProp('rel', 'select');
    c.label = 'C';
    m.properties = [a, b, c];
    const e = checkModel(m);
    expect(Object.keys(e).sort()).toEqual(
      ['label', 'name', 'properties[0].key', 'properties[1].label', 'properties[1].relationContenttype', 'properties[2].key', 'properties[2].options'].sort(),
    );
  });
  it('accepts a good model', () => {
    expect(checkModel(fromDefinition(product))).toEqual({});
  });
});

describe('modelPathOf', () => {
  const m = fromDefinition(product);
  it.each([
    ['name', 'name'],
    ['metaDefinition.propertiesConfig.price.label', 'properties[2].label'],
    ['metaDefinition.propertiesConfig.category', 'properties[8]'],
    ['schemaDefinition.allOf[1].properties.size.type', 'properties[3]'],
    ['schemaDefinition.properties', 'properties'],
    ['slugs[0].source', 'slugs[0].source'],
  ])('%s → %s', (server, model) => {
    expect(modelPathOf(server, m)).toBe(model);
  });
});

describe('suggested names', () => {
  it('derives keys and type names from labels', async () => {
    const { keyFromLabel, nameFromLabel } = await import('./model');
    expect(keyFromLabel('Unit price')).toBe('unitPrice');
    expect(keyFromLabel('Café 2 go')).toBe('cafe2Go');
    expect(keyFromLabel('3D')).toBe('_3d');
    expect(nameFromLabel('Blog Posts 2')).toBe('blog_posts');
  });
});
