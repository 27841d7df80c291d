import { describe, expect, it } from 'vitest';
import { ApiError, fromHttp, fromWails } from './errors';

describe('fromHttp', () => {
  it('keeps Flotiq field errors', () => {
    const e = fromHttp(400, { name: ['This value should not be blank.'], price: ['must be a number'] });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.fields.name).toEqual(['This value should not be blank.']);
    expect(e.message).toContain('price: must be a number');
  });
  it('reads {code,message} answers', () => {
    const e = fromHttp(404, { code: 404, message: 'Content type not found' });
    expect(e.message).toBe('Content type not found');
    expect(e.fields).toEqual({});
  });
  it('falls back to the status for anything else', () => {
    expect(fromHttp(502, 'Bad gateway').message).toBe('Request failed with status 502');
  });
});

describe('fromWails', () => {
  it('decodes the JSON error the Go bindings send', () => {
    const e = fromWails(JSON.stringify({ status: 400, message: 'Validation failed', fields: { url: ['must be absolute'] } }));
    expect(e.status).toBe(400);
    expect(e.fields.url).toEqual(['must be absolute']);
  });
  it('shows plain errors as they came', () => {
    const e = fromWails(new Error('window closed'));
    expect(e.status).toBe(500);
    expect(e.message).toBe('window closed');
  });
});
