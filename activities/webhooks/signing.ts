import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** The headers of one Standard Webhooks delivery. */
export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs a delivery as Standard Webhooks describes: `v1,` and the base64 HMAC-SHA256 of
 * `<id>.<timestamp>.<body>`, keyed by the secret's bytes; one signature per secret, space
 * separated, so a receiver holding either secret during a rotation accepts the delivery.
 */
export function signDelivery(
  messageId: string,
  timestampSeconds: number,
  body: string,
  secrets: string[],
): WebhookHeaders {
  const signed = `${messageId}.${timestampSeconds}.${body}`;
  const signatures = secrets.map(
    (secret) => `v1,${createHmac('sha256', secretKey(secret)).update(signed).digest('base64')}`,
  );

  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures.join(' '),
  };
}

function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('webhook secret lacks its whsec_ prefix');

  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}
