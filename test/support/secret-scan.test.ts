import { describe, expect, it } from 'vitest';
import { findSecrets, secretForms } from './secret-scan.js';

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

  it('reports nothing when the secret is absent', () => {
    expect(findSecrets([{ name: 'history', text: '{"fingerprint":"ab12"}' }], forms)).toEqual([]);
  });
});
