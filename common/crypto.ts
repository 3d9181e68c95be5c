import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const AUTH_TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';

/** Seals secrets at rest with AES-256-GCM; each ciphertext names the key that made it. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** True when the value was sealed with another key than the one sealing now. */
  sealedWithOlderKey?(sealed: string): boolean;
}

/** Thrown when a sealed value was tampered with, truncated or made with an unknown key. */
export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/** Builds a SecretBox from a 32-byte key; the key id lets a later key ring tell keys apart. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretBoxError('encryption key must be 32 bytes');
  const keyId = keyIdOf(key);

  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'));
      return [FORMAT_VERSION, keyId, ...parts].join('.');
    },
    open(sealed) {
      const [version, sealedKeyId, iv, tag, body] = sealed.split('.');
      if (version !== FORMAT_VERSION || !iv || !tag || body === undefined) {
        throw new SecretBoxError('sealed value is malformed');
      }
      if (sealedKeyId !== keyId) throw new SecretBoxError('sealed with an unknown key');
      return decrypt(key, iv, tag, body);
    },
  };
}

/**
 * A box for key rotation: the current key seals, the current and every previous key open, so
 * values sealed before the rotation stay readable until they are sealed again.
 */
export function createKeyRing(current: Buffer, previous: Buffer[] = []): SecretBox {
  const sealing = createSecretBox(current);
  const boxes = new Map([current, ...previous].map((key) => [keyIdOf(key), createSecretBox(key)]));
  const currentId = keyIdOf(current);

  return {
    seal: (plaintext) => sealing.seal(plaintext),
    open(sealed) {
      const box = boxes.get(sealed.split('.')[1] ?? '');
      if (!box) throw new SecretBoxError('sealed with an unknown key');
      return box.open(sealed);
    },
    sealedWithOlderKey: (sealed) => sealed.split('.')[1] !== currentId,
  };
}

function keyIdOf(key: Buffer): string {
  return fingerprint(key.toString('base64')).slice(0, 8);
}

function decrypt(key: Buffer, iv: string, tag: string, body: string): string {
  try {
    // A fixed tag length: without it GCM accepts a shortened tag, which is far easier to forge.
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), {
      authTagLength: AUTH_TAG_BYTES,
    });
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    throw new SecretBoxError('sealed value failed authentication');
  }
}

/** A one-way, non-reversible label for a secret, safe for histories, logs and answers. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/** Shows only the last four characters of a secret, as organisers recognise tokens by them. */
export function maskSecret(secret: string): string {
  return `…${secret.slice(-4)}`;
}

export function generateKey(): Buffer {
  return randomBytes(32);
}
