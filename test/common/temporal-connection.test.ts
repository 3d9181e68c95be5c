import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.js';
import { REDACTED_PATHS } from '../../common/logger.js';
import {
  summariseConnection,
  temporalConnectionOptions,
} from '../../common/temporal-connection.js';
import { configProblemsOf } from '../support/config-problems.js';

const API_KEY = 'cloud-api-key-Hq7-never-shown';

/** PEM-looking files in a fresh folder; the contents only need to come back byte for byte. */
function certificateFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'greenroom-tls-'));
  const files = {
    ca: join(dir, 'ca.pem'),
    cert: join(dir, 'client.pem'),
    key: join(dir, 'key.pem'),
  };
  writeFileSync(files.ca, 'ca-bytes');
  writeFileSync(files.cert, 'cert-bytes');
  writeFileSync(files.key, 'key-bytes');

  return { dir, ...files };
}

const optionsFor = (env: Record<string, string>) => temporalConnectionOptions(loadConfig(env));
const configProblems = (env: Record<string, string>) => configProblemsOf(() => loadConfig(env));
const connectionProblems = (env: Record<string, string>) => configProblemsOf(() => optionsFor(env));

describe('Temporal connection settings', () => {
  describe('when nothing is configured', () => {
    it('connects to the local dev server without TLS or a key', () => {
      expect(optionsFor({})).toStrictEqual({ address: '127.0.0.1:7233' });
    });
  });

  describe('when parsing TEMPORAL_TLS', () => {
    it('turns TLS on with the system roots for true', () => {
      expect(optionsFor({ TEMPORAL_TLS: 'true' }).tls).toStrictEqual({});
    });

    it('refuses anything but true or false', () => {
      expect(configProblems({ TEMPORAL_TLS: 'yes' })).toStrictEqual([
        'TEMPORAL_TLS: must be true or false',
      ]);
    });

    it('treats empty values as unset, as compose files pass them', () => {
      expect(optionsFor({ TEMPORAL_API_KEY: '', TEMPORAL_TLS_CA: '' })).toStrictEqual({
        address: '127.0.0.1:7233',
      });
    });
  });

  describe('when a client certificate is given', () => {
    it('reads the certificate, key and CA files and the server name', () => {
      const files = certificateFiles();
      const options = optionsFor({
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_TLS_CA: files.ca,
        TEMPORAL_TLS_CERT: files.cert,
        TEMPORAL_TLS_KEY: files.key,
        TEMPORAL_TLS_SERVER_NAME: 'temporal.example.org',
      });

      expect(options.address).toBe('temporal.internal:7233');
      expect(options.tls?.serverNameOverride).toBe('temporal.example.org');
      expect(String(options.tls?.serverRootCACertificate)).toBe('ca-bytes');
      expect(String(options.tls?.clientCertPair?.crt)).toBe('cert-bytes');
      expect(String(options.tls?.clientCertPair?.key)).toBe('key-bytes');
    });

    it('refuses a certificate without its key, naming the missing variable', () => {
      expect(configProblems({ TEMPORAL_TLS_CERT: '/etc/greenroom/client.pem' })).toStrictEqual([
        'TEMPORAL_TLS_KEY: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY ' +
          'must be set together (mutual TLS)',
      ]);
    });

    it('refuses a key without its certificate', () => {
      expect(configProblems({ TEMPORAL_TLS_KEY: '/etc/greenroom/key.pem' })[0]).toMatch(
        /^TEMPORAL_TLS_CERT: /,
      );
    });

    it('names the variable and path of a key file that does not exist', () => {
      const files = certificateFiles();
      const missingKey = join(files.dir, 'missing-key.pem');

      expect(() =>
        optionsFor({ TEMPORAL_TLS_CERT: files.cert, TEMPORAL_TLS_KEY: missingKey }),
      ).toThrow(`TEMPORAL_TLS_KEY: cannot read ${missingKey} (ENOENT)`);
    });

    it('lists every unreadable file at once', () => {
      const problems = connectionProblems({
        TEMPORAL_TLS_CA: '/nowhere/ca.pem',
        TEMPORAL_TLS_CERT: '/nowhere/client.pem',
        TEMPORAL_TLS_KEY: '/nowhere/key.pem',
      });

      expect(problems.map((problem) => problem.split(':')[0])).toStrictEqual([
        'TEMPORAL_TLS_CA',
        'TEMPORAL_TLS_CERT',
        'TEMPORAL_TLS_KEY',
      ]);
    });
  });

  describe('when a Temporal Cloud API key is given', () => {
    it('passes the key and turns TLS on', () => {
      const options = optionsFor({ TEMPORAL_API_KEY: API_KEY });

      expect(options.apiKey).toBe(API_KEY);
      expect(options.tls).toStrictEqual({});
    });

    it('summarises the connection for the log without the key', () => {
      const summary = summariseConnection(optionsFor({ TEMPORAL_API_KEY: API_KEY }));

      expect(summary).toStrictEqual({
        address: '127.0.0.1:7233',
        tls: true,
        clientCertificate: false,
        apiKey: true,
      });
      expect(JSON.stringify(summary)).not.toContain(API_KEY);
    });

    it('is blanked by the logger wherever it is logged by mistake', () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
      const options = optionsFor({ TEMPORAL_API_KEY: API_KEY });
      logger.info(options, 'connecting');
      logger.info({ temporal: options, env: { TEMPORAL_API_KEY: API_KEY } }, 'connecting');

      expect(lines).toHaveLength(2);
      expect(lines.join('')).not.toContain(API_KEY);
    });
  });
});
