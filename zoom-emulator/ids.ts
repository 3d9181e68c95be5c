import { randomBytes } from 'node:crypto';

/** A random url-safe identifier; 16 bytes give the 22 characters Zoom's ids usually have. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
