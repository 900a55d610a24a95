import { invalidRequest } from '../errors/bridge-error.js';
import type { ImageBlock } from '../core/types.js';

/** Image types Claude accepts. */
export const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
/** Claude's limit for one image sent inline. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

const DATA_URL = /^data:([^;,]+)((?:;[^;,]+)*?);base64,(.*)$/s;

/**
 * An image reference from a client (a `data:` URL or an http(s) URL) as a
 * Claude image block. Remote URLs are passed to Claude as URLs: the bridge
 * never fetches them itself, so a client cannot make the host reach out.
 */
export function imageFromUrl(url: string, param: string): ImageBlock {
  if (url.startsWith('data:')) {
    const match = DATA_URL.exec(url);
    if (!match) {
      throw invalidRequest(`Invalid value for '${param}': a data URL must look like data:image/png;base64,<data>.`, param, 'invalid_image_url');
    }
    return imageFromBase64(match[1]!, match[3]!, param);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidRequest(`Invalid value for '${param}': not a valid URL.`, param, 'invalid_image_url');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalidRequest(
      `Invalid value for '${param}': only data: and http(s): image URLs are supported.`,
      param,
      'invalid_image_url',
    );
  }
  return { type: 'image', source: { type: 'url', url } };
}

/**
 * Inline image data (base64) of a declared type as a Claude image block,
 * checked the way Claude's API checks it: a type Claude reads, valid
 * base64, and no more than 5 MB.
 */
export function imageFromBase64(declaredType: string, base64: string, param: string): ImageBlock {
  const mediaType = declaredType.toLowerCase();
  const data = base64.replace(/\s+/g, '');
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw invalidRequest(
      `Invalid value for '${param}': image type ${mediaType} is not supported; use one of ${IMAGE_MEDIA_TYPES.join(', ')}.`,
      param,
      'invalid_image_format',
    );
  }
  if (data.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) {
    throw invalidRequest(`Invalid value for '${param}': the image data is not valid base64.`, param, 'invalid_image_url');
  }
  const bytes = Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
  if (bytes > MAX_IMAGE_BYTES) {
    throw invalidRequest(
      `Invalid value for '${param}': the image is ${(bytes / 1024 / 1024).toFixed(1)} MB; Claude accepts at most 5 MB per image.`,
      param,
      'image_too_large',
    );
  }
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data } };
}
