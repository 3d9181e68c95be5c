import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.js';
import { createSecretBox } from '../../common/crypto.js';
import { loadSecretBox } from '../../common/encryption-key.js';

describe('loadSecretBox', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'greenroom-key-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  describe('when no key is configured', () => {
    it('creates a key file readable by the owner only', () => {
      const dataDir = join(root, 'data');
      loadSecretBox(loadConfig({ GREENROOM_DATA_DIR: dataDir }));

      const keyFile = join(dataDir, 'encryption.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(keyFile, 'utf8'), 'base64')).toHaveLength(32);
    });

    it('reuses the same key on a second call', () => {
      const config = loadConfig({ GREENROOM_DATA_DIR: root });
      const sealed = loadSecretBox(config).seal('kept across restarts');
      const keyBefore = readFileSync(join(root, 'encryption.key'), 'utf8');

      expect(loadSecretBox(config).open(sealed)).toBe('kept across restarts');
      expect(readFileSync(join(root, 'encryption.key'), 'utf8')).toBe(keyBefore);
    });
  });

  describe('when a key was rotated', () => {
    it('seals with the new key and still opens what the previous keys sealed', () => {
      const oldKey = Buffer.alloc(32, 1).toString('base64');
      const newKey = Buffer.alloc(32, 2).toString('base64');
      const before = loadSecretBox(loadConfig({ GREENROOM_ENCRYPTION_KEY: oldKey }));
      const sealed = before.seal('sealed before the rotation');

      const after = loadSecretBox(
        loadConfig({
          GREENROOM_ENCRYPTION_KEY: newKey,
          GREENROOM_PREVIOUS_ENCRYPTION_KEYS: oldKey,
        }),
      );
      expect(after.open(sealed)).toBe('sealed before the rotation');
      expect(() => before.open(after.seal('new'))).toThrow('unknown key');
      expect(() => loadConfig({ GREENROOM_PREVIOUS_ENCRYPTION_KEYS: 'short,keys' })).toThrow(
        'GREENROOM_PREVIOUS_ENCRYPTION_KEYS',
      );
    });
  });

  describe('when a key is configured', () => {
    it('uses the configured key even if a key file exists', () => {
      loadSecretBox(loadConfig({ GREENROOM_DATA_DIR: root }));
      const key = Buffer.alloc(32, 3);
      const config = loadConfig({
        GREENROOM_DATA_DIR: root,
        GREENROOM_ENCRYPTION_KEY: key.toString('base64'),
      });

      const sealed = loadSecretBox(config).seal('configured');
      expect(createSecretBox(key).open(sealed)).toBe('configured');
    });

    it('writes no key file', () => {
      const dataDir = join(root, 'untouched');
      const key = Buffer.alloc(32, 9).toString('base64');
      loadSecretBox(loadConfig({ GREENROOM_DATA_DIR: dataDir, GREENROOM_ENCRYPTION_KEY: key }));

      expect(() => statSync(dataDir)).toThrow(/ENOENT/);
    });
  });
});
