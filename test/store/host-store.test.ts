import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import type { GreenroomStore, HostInput } from '../../store/types.js';
import { PLAN, sessionStreamingThrough, stopStreaming } from '../support/sessions.js';
import {
  openStoreAt,
  useStoreBackends,
  type StoreBackend,
  type StoreLocation,
} from '../support/store-backends.js';

let store: GreenroomStore;

function hostInput(overrides: Partial<HostInput> = {}): HostInput {
  return {
    eventId: 'evt-1',
    hostId: 'zoom-user-1',
    email: 'Ada.Lovelace@Example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    expectedAttendees: 100,
    capacity: 300,
    webinarCapacity: 0,
    personNames: { firstName: 'Ada', lastName: 'L.' },
    ...overrides,
  };
}

describe.each(useStoreBackends())('$name host store', (backend) => {
  beforeEach(async () => {
    store = await backend.open(createSecretBox(generateKey()));
  });

  afterEach(async () => {
    await store.close();
  });

  describe('when people are added', () => {
    it('refuses a second person with the same email in another case', async () => {
      const person = { eventId: 'evt-1', firstName: 'Ada', lastName: 'L', email: 'ada@x.io' };
      expect(await store.createPerson(person)).toMatchObject({ email: 'ada@x.io' });
      expect(await store.createPerson({ ...person, email: 'ADA@X.IO' })).toBe('duplicate');
      expect(await store.createPerson({ ...person, eventId: 'evt-2' })).not.toBe('duplicate');
    });
  });

  describe('when a host is committed', () => {
    it('matches an existing person by email whatever its case', async () => {
      const person = await store.createPerson({
        eventId: 'evt-1',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada.lovelace@example.com',
      });
      const { host, created } = await store.commitHost(hostInput());
      expect(created).toBe(true);
      expect(host.personId).toBe(person === 'duplicate' ? '' : person.id);
      expect(await store.listPeople('evt-1')).toHaveLength(1);
    });

    it('creates the person from the given names when none matches', async () => {
      const { host } = await store.commitHost(hostInput());
      const person = await store.readPerson('evt-1', host.personId);
      expect(person).toMatchObject({ firstName: 'Ada', lastName: 'L.' });
      expect(host.email).toBe('Ada.Lovelace@Example.com');
    });

    it('answers the existing host when the same Zoom user is added twice', async () => {
      const first = await store.commitHost(hostInput());
      const second = await store.commitHost(hostInput({ email: 'other@example.com' }));
      expect(second).toEqual({ host: first.host, created: false });
      expect((await store.listHosts('evt-1', 10, null)).items).toHaveLength(1);
    });

    it('pages hosts by Zoom user id', async () => {
      for (const id of ['c', 'a', 'b']) {
        await store.commitHost(hostInput({ hostId: id, email: `${id}@example.com` }));
      }
      const first = await store.listHosts('evt-1', 2, null);
      expect(first.items.map((host) => host.hostId)).toEqual(['a', 'b']);
      const second = await store.listHosts('evt-1', 2, first.nextCursor);
      expect(second).toMatchObject({ items: [{ hostId: 'c' }], nextCursor: null });
    });
  });

  describe('when a host is removed', () => {
    it('refuses while a session maps it and lists those sessions', async () => {
      await store.commitHost(hostInput());
      const { sessionId, result } = await sessionStreamingThrough(
        store,
        'evt-1',
        'zoom-user-1',
        'Keynote',
      );
      expect(result.kind).toBe('committed');
      expect(await store.removeHost('evt-1', 'zoom-user-1')).toEqual({
        removed: false,
        reason: 'mapped',
        sessions: [{ id: sessionId, title: 'Keynote' }],
      });
      expect(await stopStreaming(store, 'evt-1', sessionId)).toMatchObject({
        meetingReleased: true,
      });
      expect(await store.removeHost('evt-1', 'zoom-user-1')).toEqual({ removed: true });
      expect(await store.removeHost('evt-1', 'zoom-user-1')).toEqual({
        removed: false,
        reason: 'not_found',
      });
    });

    it('never lets a session be assigned to a removed host', async () => {
      await store.commitHost(hostInput());
      await store.removeHost('evt-1', 'zoom-user-1');
      const { result } = await sessionStreamingThrough(store, 'evt-1', 'zoom-user-1', 'Panel');
      expect(result).toEqual({ kind: 'lost_race', reason: 'host_unusable' });
    });
  });

  describe('when removal and assignment race on two connections', () => {
    it('never leaves a session pointing at a removed host', async () => {
      const rounds = await raceRounds(backend, 200);
      expect(rounds.every(({ removed, assigned }) => !(removed && assigned))).toBe(true);
      // Both orders happen, or the race did not really race.
      expect(rounds.some(({ removed }) => removed)).toBe(true);
      expect(rounds.some(({ assigned }) => assigned)).toBe(true);
    }, 60_000);
  });
});

async function raceRounds(backend: StoreBackend, count: number) {
  const location = await backend.freshLocation();
  const key = generateKey();
  const shared = await openStoreAt(location, createSecretBox(key));
  const rounds: { eventId: string; hostId: string; sessionId: string }[] = [];
  for (let index = 0; index < count; index += 1) {
    const hostId = `host-${index}`;
    await shared.commitHost(hostInput({ hostId, email: `${hostId}@example.com` }));
    const sessionId = `session-${index}`;
    await shared.saveSessionLocally({
      eventId: 'evt-1',
      sessionId,
      plan: { ...PLAN, title: `Session ${index}` },
      stream: { source: 'off' },
      expectedRevision: null,
    });
    rounds.push({ eventId: 'evt-1', hostId, sessionId });
  }
  const barrier = new SharedArrayBuffer(8);
  const gate = new Int32Array(barrier);
  const sides = (['remove', 'assign'] as const).map((role) =>
    raceSide(role, location, key, barrier, rounds),
  );
  for (let index = 0; index < count; index += 1) {
    Atomics.store(gate, 0, index + 1);
    Atomics.notify(gate, 0);
    while (Atomics.load(gate, 1) < (index + 1) * 2) await new Promise((done) => setImmediate(done));
  }
  const [removed, assigned] = await Promise.all(sides);
  const mapped = await Promise.all(rounds.map((round) => shared.readHost('evt-1', round.hostId)));
  await shared.close();

  return rounds.map((_, i) => ({
    removed: removed?.[i] === true && mapped[i] === null,
    assigned: assigned?.[i] === true,
  }));
}

function raceSide(
  role: 'remove' | 'assign',
  location: StoreLocation,
  key: Buffer,
  barrier: SharedArrayBuffer,
  rounds: unknown[],
): Promise<boolean[]> {
  // Worker threads do not inherit tsx's loader, so the thread registers it before loading.
  const script = new URL('./race-worker.ts', import.meta.url).href;
  const bootstrap =
    "import('tsx/esm/api')" + `.then((tsx) => { tsx.register(); return import('${script}'); })`;
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: { location, key: key.toString('base64'), role, barrier, rounds },
  });
  return new Promise((done, fail) => {
    worker.once('message', (outcomes: boolean[]) => done(outcomes));
    worker.once('error', fail);
  });
}
