import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';

/** Everything a run wrote that an engineer or operator could read: histories and log lines. */
export interface Evidence {
  name: string;
  text: string;
}

/** Every run of every workflow in the namespace, with payloads decoded to their JSON text. */
export async function collectHistories(client: Client): Promise<Evidence[]> {
  const evidence: Evidence[] = [];
  for await (const execution of client.workflow.list()) {
    const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
    const history = await handle.fetchHistory();
    evidence.push({
      name: `history ${execution.workflowId}/${execution.runId}`,
      text: readable(history),
    });
  }

  return evidence;
}

export function collectLogs(logDir: string): Evidence[] {
  if (!existsSync(logDir)) return [];

  return readdirSync(logDir).map((file) => ({
    name: `log ${file}`,
    text: readFileSync(join(logDir, file), 'utf8'),
  }));
}

/**
 * JSON with every payload shown as text, so an encoded payload cannot hide a secret: byte
 * arrays are decoded, and so are payload `data` fields the history already holds as base64.
 */
export function readable(value: unknown): string {
  return JSON.stringify(value, (key, inner: unknown) => {
    if (inner instanceof Uint8Array) return Buffer.from(inner).toString('utf8');
    if (key !== 'data') return inner;
    if (typeof inner === 'string') return Buffer.from(inner, 'base64').toString('utf8');
    // A Buffer reaches the replacer already turned into {type: 'Buffer', data: [bytes]}.
    if (Array.isArray(inner) && inner.every((byte) => typeof byte === 'number')) {
      return Buffer.from(inner).toString('utf8');
    }
    return inner;
  });
}

/** Each secret in each of its likely spellings: plain, base64 and inside a Basic header. */
export function secretForms(secrets: { value: string; clientId?: string }[]): string[] {
  return secrets.flatMap(({ value, clientId }) => {
    const forms = [value, Buffer.from(value).toString('base64')];
    if (clientId) forms.push(Buffer.from(`${clientId}:${value}`).toString('base64'));
    return forms;
  });
}

/** Names each place a secret appears; an empty list means the run kept them all hidden. */
export function findSecrets(evidence: Evidence[], secrets: string[]): string[] {
  const leaks: string[] = [];
  for (const piece of evidence) {
    for (const secret of secrets) {
      if (piece.text.includes(secret)) leaks.push(`${piece.name} holds …${secret.slice(-4)}`);
    }
  }

  return leaks;
}
