import { describe, expect, it } from 'vitest';
import { findSecrets, readable, secretForms } from './secret-scan.js';

// The end-to-end secret scan only proves something if it can find a planted secret.
describe('secret scan', () => {
  const secret = 'S3cr3t-value-123';
  const forms = secretForms([{ value: secret, clientId: 'client-1' }]);

  it('finds a secret written plainly', () => {
    const leaks = findSecrets([{ name: 'log worker.log', text: `{"secret":"${secret}"}` }], forms);
    expect(leaks).toEqual(['log worker.log holds …-123']);
  });

  it('finds a secret hidden in a Basic authorization header', () => {
    const basic = Buffer.from(`client-1:${secret}`).toString('base64');
    const leaks = findSecrets([{ name: 'answer', text: `Basic ${basic}` }], forms);
    expect(leaks.length).toBeGreaterThan(0);
  });

  it('reads payloads the history holds as base64 text or as bytes', () => {
    const secret = 'zak=s3cr3t-start-token';
    const payload = JSON.stringify({ plan: { joinUrl: `https://zoom.example/s/1?${secret}` } });
    const asBase64 = { payloads: [{ data: Buffer.from(payload).toString('base64') }] };
    const asBytes = { payloads: [{ data: Buffer.from(payload) }] };
    for (const history of [asBase64, asBytes]) {
      expect(findSecrets([{ name: 'h', text: readable(history) }], [secret])).toEqual([
        'h holds …oken',
      ]);
    }
  });

  it('reports nothing when the secret is absent', () => {
    expect(findSecrets([{ name: 'history', text: '{"fingerprint":"ab12"}' }], forms)).toEqual([]);
  });
});
