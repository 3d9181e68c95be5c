import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyRing, createSecretBox, fingerprint, generateKey } from '../../common/crypto.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { CredentialsInput, IntegrationStore } from '../../store/types.js';
import { openStoreAt, useStoreBackends } from '../support/store-backends.js';

const EVENT = 'evt-1';
const NOW_MS = 1_700_000_000_000;
const SECRET = 'Plain-Client-Secret-9f3KqZ';
const TOKEN = 'eyJ0eXAiOiJKV1QifQ.plain-access-token-payload.sig';

function credentials(overrides: Partial<CredentialsInput> = {}): CredentialsInput {
  return {
    eventId: EVENT,
    accountId: 'acct_1',
    clientId: 'client_1',
    clientSecret: SECRET,
    ...overrides,
  };
}

function tokenFor(credentialsId: string, accessToken = TOKEN) {
  return {
    eventId: EVENT,
    credentialsId,
    accessToken,
    mintedAtMs: NOW_MS,
    expiresAtMs: NOW_MS + 3_600_000,
    scopes: ['user:read:admin', 'meeting:write:admin'],
  };
}

const backends = useStoreBackends();

describe.each(backends)('$name integration store', (backend) => {
  let store: IntegrationStore;

  beforeEach(async () => {
    store = await backend.open(createSecretBox(generateKey()), () => NOW_MS);
  });

  afterEach(async () => {
    await store.close();
  });

  describe('when candidate credentials are saved', () => {
    it('reads them back decrypted with their creation time', async () => {
      const id = await store.saveCandidateCredentials(credentials());

      expect(id).toMatch(/^cred_/);
      expect(await store.readCredentials(id)).toStrictEqual({
        id,
        ...credentials(),
        createdAtMs: NOW_MS,
      });
    });

    it('does not make them active before a token is committed', async () => {
      await store.saveCandidateCredentials(credentials());

      expect(await store.readConnection(EVENT)).toBeNull();
      expect(await store.readActiveToken(EVENT)).toBeNull();
    });

    it('answers null for credentials that were never saved', async () => {
      expect(await store.readCredentials('cred_unknown')).toBeNull();
    });
  });

  describe('when the soonest token expiry is asked for', () => {
    async function connect(eventId: string, expiresAtMs: number) {
      const id = await store.saveCandidateCredentials(credentials({ eventId }));
      await store.commitToken({ ...tokenFor(id), eventId, expiresAtMs });
    }

    it('answers null while no event holds a token', async () => {
      expect(await store.soonestTokenExpiryMs(NOW_MS)).toBeNull();
    });

    it('answers the earliest expiry among tokens still valid, skipping expired ones', async () => {
      await connect('evt-expired', NOW_MS - 1_000);
      await connect('evt-late', NOW_MS + 3_000_000);
      await connect('evt-soon', NOW_MS + 600_000);

      expect(await store.soonestTokenExpiryMs(NOW_MS)).toBe(NOW_MS + 600_000);
      expect(await store.soonestTokenExpiryMs(NOW_MS + 600_000)).toBe(NOW_MS + 3_000_000);
    });
  });

  describe('when a token is committed', () => {
    it('makes the credentials active and shows only safe identifiers', async () => {
      const id = await store.saveCandidateCredentials(credentials());
      await store.commitToken(tokenFor(id));

      expect(await store.readConnection(EVENT)).toStrictEqual({
        eventId: EVENT,
        credentialsId: id,
        accountId: 'acct_1',
        clientId: 'client_1',
        tokenPreview: `…${TOKEN.slice(-4)}`,
        tokenExpiresAtMs: NOW_MS + 3_600_000,
      });
    });

    it('answers the decrypted token with its fingerprint and times', async () => {
      const id = await store.saveCandidateCredentials(credentials());
      const { fingerprint: committed } = await store.commitToken(tokenFor(id));

      expect(committed).toBe(fingerprint(TOKEN));
      expect(await store.readActiveToken(EVENT)).toStrictEqual({
        eventId: EVENT,
        credentialsId: id,
        accessToken: TOKEN,
        preview: `…${TOKEN.slice(-4)}`,
        fingerprint: fingerprint(TOKEN),
        mintedAtMs: NOW_MS,
        expiresAtMs: NOW_MS + 3_600_000,
      });
    });
  });

  describe('when new credentials replace active ones', () => {
    it('promotes the new credentials and deletes the previous ones', async () => {
      const first = await store.saveCandidateCredentials(credentials());
      await store.commitToken(tokenFor(first));
      const second = await store.saveCandidateCredentials(credentials({ clientId: 'client_2' }));
      await store.commitToken(tokenFor(second, 'second-token-abcd'));

      expect(await store.readCredentials(first)).toBeNull();
      expect((await store.readConnection(EVENT))?.clientId).toBe('client_2');
      expect((await store.readActiveToken(EVENT))?.accessToken).toBe('second-token-abcd');
    });

    it('keeps the credentials when the same ones mint again', async () => {
      const id = await store.saveCandidateCredentials(credentials());
      await store.commitToken(tokenFor(id));
      await store.commitToken(tokenFor(id, 'refreshed-token-wxyz'));

      expect(await store.readCredentials(id)).not.toBeNull();
      expect((await store.readActiveToken(EVENT))?.preview).toBe('…wxyz');
    });
  });

  describe('when credentials are discarded', () => {
    it('deletes a candidate that never minted', async () => {
      const id = await store.saveCandidateCredentials(credentials());
      await store.discardCredentials(id);

      expect(await store.readCredentials(id)).toBeNull();
    });

    it('does not delete the active credentials', async () => {
      const id = await store.saveCandidateCredentials(credentials());
      await store.commitToken(tokenFor(id));
      await store.discardCredentials(id);

      expect(await store.readCredentials(id)).not.toBeNull();
      expect(await store.readConnection(EVENT)).not.toBeNull();
    });
  });

  describe('when an event is erased', () => {
    it('removes its credentials, candidates, connection and token', async () => {
      const active = await store.saveCandidateCredentials(credentials());
      await store.commitToken(tokenFor(active));
      const candidate = await store.saveCandidateCredentials(credentials({ clientId: 'c2' }));
      await store.eraseEvent(EVENT);

      expect(await store.readCredentials(active)).toBeNull();
      expect(await store.readCredentials(candidate)).toBeNull();
      expect(await store.readConnection(EVENT)).toBeNull();
      expect(await store.readActiveToken(EVENT)).toBeNull();
    });

    it('leaves other events alone', async () => {
      const other = await store.saveCandidateCredentials(credentials({ eventId: 'evt-2' }));
      await store.eraseEvent(EVENT);

      expect(await store.readCredentials(other)).not.toBeNull();
    });
  });
});

describe('the SQLite store on a file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'greenroom-store-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when a secret and a token were stored and the store closed', () => {
    it('never writes the plain secret or token to disk', async () => {
      const filename = join(dir, 'greenroom.db');
      const store = createSqliteStore({ filename, secretBox: createSecretBox(generateKey()) });
      const id = await store.saveCandidateCredentials(credentials());
      await store.commitToken(tokenFor(id));
      await store.close();

      const raw = ['', '-wal', '-shm']
        .map((suffix) => filename + suffix)
        .filter((path) => existsSync(path))
        .map((path) => readFileSync(path).toString('latin1'))
        .join('\n');
      expect(raw).toContain('client_1');
      for (const plain of [SECRET, TOKEN, Buffer.from(SECRET).toString('base64')]) {
        expect(raw).not.toContain(plain);
      }
    });
  });
});

describe('the PostgreSQL store', () => {
  describe('when a secret and a token were stored', () => {
    it('keeps only sealed values in its rows', async () => {
      const backend = backends.find(({ name }) => name === 'postgres');
      const location = await backend?.freshLocation();
      if (location?.kind !== 'postgres') throw new Error('no PostgreSQL backend');
      const store = await openStoreAt(location, createSecretBox(generateKey()));
      const id = await store.saveCandidateCredentials(credentials());
      await store.commitToken(tokenFor(id));
      await store.close();

      const client = new pg.Client({ connectionString: location.url });
      await client.connect();
      const tables = ['zoom_credentials', 'zoom_connections'];
      const rows = await Promise.all(
        tables.map((table) => client.query<Record<string, unknown>>(`SELECT * FROM ${table}`)),
      );
      await client.end();
      const raw = JSON.stringify(rows.map((result) => result.rows));
      expect(raw).toContain('client_1');
      for (const plain of [SECRET, TOKEN, Buffer.from(SECRET).toString('base64')]) {
        expect(raw).not.toContain(plain);
      }
    });
  });
});

describe.each(backends)('$name store resealing after a key rotation', (backend) => {
  it('seals every secret again with the new key, so the old one can be retired', async () => {
    const oldKey = generateKey();
    const newKey = generateKey();
    const location = await backend.freshLocation();
    const before = await openStoreAt(location, createKeyRing(oldKey));
    const credentialsId = await before.saveCandidateCredentials({
      eventId: 'evt-r',
      accountId: 'acct',
      clientId: 'client',
      clientSecret: 'the-client-secret',
    });
    await before.commitToken({
      eventId: 'evt-r',
      credentialsId,
      accessToken: 'the-access-token',
      mintedAtMs: 1,
      expiresAtMs: 2,
      scopes: [],
    });
    await before.close();

    const rotated = await openStoreAt(location, createKeyRing(newKey, [oldKey]));
    expect(await rotated.resealSecrets()).toBe(2);
    expect(await rotated.resealSecrets()).toBe(0);
    await rotated.close();

    const retired = await openStoreAt(location, createKeyRing(newKey));
    expect((await retired.readCredentials(credentialsId))?.clientSecret).toBe('the-client-secret');
    expect((await retired.readActiveToken('evt-r'))?.accessToken).toBe('the-access-token');
    await retired.close();
  });
});
