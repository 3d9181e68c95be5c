// One side of the remove-versus-assign race: its own connection to the shared store.
import { parentPort, workerData } from 'node:worker_threads';
import { createSecretBox } from '../../common/crypto.js';
import { commitMeeting } from '../support/sessions.js';
import { openStoreAt, type StoreLocation } from '../support/store-location.js';

interface RaceData {
  location: StoreLocation;
  key: string;
  role: 'remove' | 'assign';
  barrier: SharedArrayBuffer;
  rounds: { eventId: string; hostId: string; sessionId: string }[];
}

const data = workerData as RaceData;
const store = await openStoreAt(data.location, createSecretBox(Buffer.from(data.key, 'base64')));
const gate = new Int32Array(data.barrier);
const outcomes: boolean[] = [];
for (const [index, round] of data.rounds.entries()) {
  // Both sides wait for the same signal, so each pair of statements really starts together.
  Atomics.wait(gate, 0, index);
  if (data.role === 'remove') {
    outcomes.push((await store.removeHost(round.eventId, round.hostId)).removed);
  } else {
    // The real assignment: commit a meeting under the host to the session, as a sync does.
    const result = await commitMeeting(store, round.eventId, round.sessionId, round.hostId, 1);
    outcomes.push(result.kind === 'committed');
  }
  Atomics.add(gate, 1, 1);
}
await store.close();
parentPort?.postMessage(outcomes);
