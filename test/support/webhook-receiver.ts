import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A delivery the receiver accepted (answered 2xx), as it came over the wire. */
export interface ReceivedDelivery {
  webhookId: string;
  timestamp: string;
  signature: string;
  body: string;
  json: { id: string; type: string; eventId: string; timestamp: string; data: unknown };
}

/** `up` answers 204; `down` answers 503; `hang` holds each request until released. */
export type ReceiverMode = 'up' | 'down' | 'hang';

/**
 * Verifies a delivery as the Standard Webhooks description tells a receiver to, written apart
 * from Greenroom's sending code: HMAC-SHA256 keyed by the base64 bytes after `whsec_`, over
 * `<webhook-id>.<webhook-timestamp>.<body>`; the header lists `v1,<base64>` entries, space
 * separated, and one matching entry suffices. Answers how many entries the secret matches.
 */
export function matchingSignatures(secret: string, delivery: ReceivedDelivery): number {
  const key = Buffer.from(secret.split('_').slice(1).join('_'), 'base64');
  const content = `${delivery.webhookId}.${delivery.timestamp}.${delivery.body}`;
  const expected = createHmac('sha256', key).update(content, 'utf8').digest();

  return delivery.signature.split(' ').filter((entry) => {
    const [version, encoded] = entry.split(',');
    const given = Buffer.from(encoded ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  }).length;
}

/** True when the secret signs the delivery and its timestamp is within five minutes of now. */
export function isAuthentic(secret: string, delivery: ReceivedDelivery, nowMs = Date.now()) {
  const ageSeconds = Math.abs(nowMs / 1000 - Number(delivery.timestamp));
  return ageSeconds <= 300 && matchingSignatures(secret, delivery) > 0;
}

/** A real HTTP receiver on 127.0.0.1 whose answers a test switches. */
export class WebhookReceiver {
  mode: ReceiverMode = 'up';
  /** Every delivery answered 2xx, in arrival order, repeats included. */
  readonly accepted: ReceivedDelivery[] = [];
  /** Every request, whatever it was answered. */
  attempts = 0;
  private readonly held: ServerResponse[] = [];

  private readonly server = createServer((request, response) => {
    void this.handle(request, response);
  });

  private constructor() {}

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((listening) => receiver.server.listen(0, '127.0.0.1', listening));

    return receiver;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hooks/greenroom`;
  }

  /** Requests held by `hang` and not yet answered. */
  get hanging(): number {
    return this.held.length;
  }

  /** What a receiver keeps after deduplicating by webhook-id: the first of each. */
  unique(): ReceivedDelivery[] {
    const seen = new Set<string>();
    return this.accepted.filter((each) => !seen.has(each.webhookId) && seen.add(each.webhookId));
  }

  /** Answers every held request 503 (its sender has given up on it by then, or will retry). */
  release(): void {
    for (const response of this.held.splice(0)) response.writeHead(503).end();
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((closed) => this.server.close(closed));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    this.attempts += 1;
    if (this.mode === 'hang') return void this.held.push(response);
    if (this.mode === 'down') return void response.writeHead(503).end();
    const body = Buffer.concat(chunks).toString('utf8');
    const header = (name: string) => String(request.headers[name] ?? '');
    this.accepted.push({
      webhookId: header('webhook-id'),
      timestamp: header('webhook-timestamp'),
      signature: header('webhook-signature'),
      body,
      json: JSON.parse(body) as ReceivedDelivery['json'],
    });
    response.writeHead(204).end();
  }
}
