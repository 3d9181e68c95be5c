import { describe, expect, it } from 'vitest';
import {
  createKeyRing,
  createSecretBox,
  fingerprint,
  generateKey,
  maskSecret,
  SecretBoxError,
} from '../../common/crypto.js';

const SECRET = 'zoom-client-secret-Qx7!Lm';

/** Rewrites one dot-separated part of a sealed value; parts are version, key id, iv, tag, body. */
function withPart(sealed: string, index: number, change: (part: string) => string): string {
  const parts = sealed.split('.');
  parts[index] = change(parts[index] ?? '');

  return parts.join('.');
}

function flipFirstByte(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;

  return bytes.toString('base64url');
}

describe('createSecretBox', () => {
  describe('when a value is sealed and opened with the same key', () => {
    it('returns the original plaintext', () => {
      const box = createSecretBox(generateKey());

      expect(box.open(box.seal(SECRET))).toBe(SECRET);
    });

    it('round-trips an empty string and non-ASCII text', () => {
      const box = createSecretBox(generateKey());

      expect(box.open(box.seal(''))).toBe('');
      expect(box.open(box.seal('clé secrète ✓'))).toBe('clé secrète ✓');
    });

    it('produces a different sealed value each time and never shows the plaintext', () => {
      const box = createSecretBox(generateKey());
      const first = box.seal(SECRET);
      const second = box.seal(SECRET);

      expect(first).not.toBe(second);
      expect(first).not.toContain(SECRET);
      expect(first.split('.')).toHaveLength(5);
      expect(first.startsWith('v1.')).toBe(true);
    });
  });

  describe('when the sealed value was tampered with', () => {
    const box = createSecretBox(generateKey());
    const sealed = box.seal(SECRET);

    it('throws SecretBoxError when the ciphertext changed', () => {
      expect(() => box.open(withPart(sealed, 4, flipFirstByte))).toThrow(SecretBoxError);
    });

    it('throws SecretBoxError when the tag changed', () => {
      expect(() => box.open(withPart(sealed, 3, flipFirstByte))).toThrow(SecretBoxError);
    });

    it('throws SecretBoxError when the iv changed', () => {
      expect(() => box.open(withPart(sealed, 2, flipFirstByte))).toThrow(SecretBoxError);
    });

    it('throws SecretBoxError when parts are missing or the version is unknown', () => {
      expect(() => box.open(sealed.split('.').slice(0, 3).join('.'))).toThrow(SecretBoxError);
      expect(() => box.open(withPart(sealed, 0, () => 'v9'))).toThrow(SecretBoxError);
      expect(() => box.open('not a sealed value')).toThrow(SecretBoxError);
    });
  });

  describe('when the value was sealed with another key', () => {
    it('throws SecretBoxError naming an unknown key', () => {
      const sealed = createSecretBox(generateKey()).seal(SECRET);

      expect(() => createSecretBox(generateKey()).open(sealed)).toThrow(/unknown key/);
    });

    it('still refuses when the key id is forged to match', () => {
      const mine = createSecretBox(generateKey());
      const myKeyId = mine.seal('x').split('.')[1] ?? '';
      const foreign = createSecretBox(generateKey()).seal(SECRET);

      expect(() => mine.open(withPart(foreign, 1, () => myKeyId))).toThrow(SecretBoxError);
    });
  });

  describe('when the key has the wrong length', () => {
    it.each([0, 16, 31, 33, 64])('throws SecretBoxError for a %i-byte key', (length) => {
      expect(() => createSecretBox(Buffer.alloc(length))).toThrow(SecretBoxError);
      expect(() => createSecretBox(Buffer.alloc(length))).toThrow(
        'encryption key must be 32 bytes',
      );
    });
  });
});

describe('fingerprint', () => {
  describe('when given the same secret twice', () => {
    it('returns the same 16 hex characters', () => {
      expect(fingerprint(SECRET)).toBe(fingerprint(SECRET));
      expect(fingerprint(SECRET)).toMatch(/^[0-9a-f]{16}$/);
    });
  });

  describe('when given different secrets', () => {
    it('returns different labels that do not contain the secret', () => {
      const token = 'eyJhbGciOiJIUzUxMiJ9.token-body';

      expect(fingerprint(token)).not.toBe(fingerprint(SECRET));
      expect(fingerprint(token)).not.toContain(token.slice(0, 8));
      expect(fingerprint(SECRET)).not.toContain('secret');
    });
  });
});

describe('maskSecret', () => {
  describe('when the secret is long', () => {
    it('shows only its last four characters', () => {
      expect(maskSecret('abcdefgh1234')).toBe('…1234');
    });
  });

  describe('when the secret is four characters or fewer', () => {
    it('shows what there is behind the ellipsis', () => {
      expect(maskSecret('xy')).toBe('…xy');
      expect(maskSecret('')).toBe('…');
    });
  });
});

describe('createKeyRing', () => {
  it('seals with the current key and opens what older keys sealed', () => {
    const oldKey = generateKey();
    const newKey = generateKey();
    const sealedBefore = createSecretBox(oldKey).seal('client-secret');
    const ring = createKeyRing(newKey, [oldKey]);

    expect(ring.open(sealedBefore)).toBe('client-secret');
    expect(ring.sealedWithOlderKey?.(sealedBefore)).toBe(true);
    const sealedNow = ring.seal('client-secret');
    expect(ring.sealedWithOlderKey?.(sealedNow)).toBe(false);
    expect(createSecretBox(newKey).open(sealedNow)).toBe('client-secret');
    expect(() => createSecretBox(oldKey).open(sealedNow)).toThrow(SecretBoxError);
  });

  it('refuses a value sealed with a key it does not hold', () => {
    const stranger = createSecretBox(generateKey()).seal('x');
    expect(() => createKeyRing(generateKey()).open(stranger)).toThrow('unknown key');
  });
});
