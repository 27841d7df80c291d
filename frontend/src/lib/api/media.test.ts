import { describe, expect, it } from 'vitest';
import { formatSize, imageUrl, mediaRef, refId } from './media';

describe('media helpers', () => {
  it('builds rendition URLs with escaped parts', () => {
    expect(imageUrl({ id: '_media-1', extension: 'jpg' })).toBe('/image/0x0/_media-1.jpg');
    expect(imageUrl({ id: '_media-1', extension: 'png' }, 320, 240)).toBe('/image/320x240/_media-1.png');
    expect(imageUrl({ id: 'a/../b', extension: 'p?g' }, 10)).toBe('/image/10x0/a%2F..%2Fb.p%3Fg');
  });
  it('round-trips dataUrls', () => {
    const ref = mediaRef('_media-abc');
    expect(ref).toEqual({ type: 'internal', dataUrl: '/api/v1/content/_media/_media-abc' });
    expect(refId(ref)).toBe('_media-abc');
    expect(refId({ type: 'internal', dataUrl: 'https://elsewhere/x' })).toBe('');
  });
  it('formats sizes as Flotiq counts them', () => {
    expect(formatSize(12)).toBe('12 B');
    expect(formatSize(340_400)).toBe('340 kB');
    expect(formatSize(1_250_000)).toBe('1.3 MB');
  });
});

describe('variant URLs', () => {
  it('names the variant after the file part', async () => {
    const { variantUrl } = await import('./media');
    expect(variantUrl({ id: '_media-1', extension: 'png' }, 'thumb', 100)).toBe('/image/100x0/_media-1/_media-1.png/variant/thumb');
  });
});
