import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import type { GreenroomStore, IdempotencyScope } from '../../store/types.js';
import { useStoreBackends } from '../support/store-backends.js';

const scope: IdempotencyScope = {
  apiKeyId: 'key-1',
  route: 'POST /events/:eventId/people',
  eventId: 'evt-1',
  idempotencyKey: 'k',
};

describe.each(useStoreBackends())('$name idempotency keys', (backend) => {
  let nowMs = Date.parse('2030-01-01T00:00:00Z');
  let store: GreenroomStore;

  beforeEach(async () => {
    nowMs = Date.parse('2030-01-01T00:00:00Z');
    store = await backend.open(createSecretBox(generateKey()), () => nowMs);
  });

  afterEach(async () => {
    await store.close();
  });

  it('claims a key once, then tells the same request from another', async () => {
    expect(await store.claimIdempotencyKey(scope, 'fp-1')).toStrictEqual({ state: 'new' });
    expect(await store.claimIdempotencyKey(scope, 'fp-1')).toStrictEqual({ state: 'unanswered' });
    expect(await store.claimIdempotencyKey(scope, 'fp-2')).toStrictEqual({
      state: 'other_request',
    });
    const otherEvent = { ...scope, eventId: 'evt-2' };
    expect(await store.claimIdempotencyKey(otherEvent, 'fp-2')).toStrictEqual({ state: 'new' });
  });

  it('keeps the first final answer and replays it', async () => {
    await store.claimIdempotencyKey(scope, 'fp-1');
    await store.recordIdempotentAnswer(scope, { status: 201, body: '{"first":true}' });
    await store.recordIdempotentAnswer(scope, { status: 404, body: '{"late":true}' });

    expect(await store.claimIdempotencyKey(scope, 'fp-1')).toStrictEqual({
      state: 'answered',
      answer: { status: 201, body: '{"first":true}' },
    });
  });

  it('forgets a key after 24 hours', async () => {
    await store.claimIdempotencyKey(scope, 'fp-1');
    nowMs += 24 * 3_600_000 - 1;
    const dayLater = await store.claimIdempotencyKey(scope, 'fp-2');
    nowMs += 1;

    expect(dayLater).toStrictEqual({ state: 'other_request' });
    expect(await store.claimIdempotencyKey(scope, 'fp-2')).toStrictEqual({ state: 'new' });
  });
});
