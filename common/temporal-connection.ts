import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError, type Config } from './config.js';

export type TemporalSettings = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CA'
  | 'TEMPORAL_TLS_CERT'
  | 'TEMPORAL_TLS_KEY'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY'
>;

/**
 * What both the client's `Connection` and the worker's `NativeConnection` accept, so every
 * Greenroom process (API, worker, tools) reaches Temporal the same way.
 */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/** How a connection is made, safe to log: never the API key or a certificate. */
export interface TemporalConnectionSummary {
  address: string;
  tls: boolean;
  clientCertificate: boolean;
  apiKey: boolean;
}

type ReadFile = (path: string) => Buffer;

/**
 * Builds the connection options from the configuration, reading the certificate files named
 * there; a file that cannot be read is a configuration error naming its variable and path.
 */
export function temporalConnectionOptions(
  settings: TemporalSettings,
  readFile: ReadFile = readFileSync,
): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: settings.TEMPORAL_ADDRESS };
  if (usesTls(settings)) options.tls = tlsConfig(settings, readFile);
  if (settings.TEMPORAL_API_KEY) options.apiKey = settings.TEMPORAL_API_KEY;

  return options;
}

export function summariseConnection(options: TemporalConnectionOptions): TemporalConnectionSummary {
  return {
    address: options.address,
    tls: options.tls !== undefined,
    clientCertificate: options.tls?.clientCertPair !== undefined,
    apiKey: options.apiKey !== undefined,
  };
}

/** Any TLS setting turns TLS on; so does an API key: Temporal Cloud takes keys over TLS only. */
function usesTls(settings: TemporalSettings): boolean {
  return Boolean(
    settings.TEMPORAL_TLS ||
    settings.TEMPORAL_API_KEY ||
    settings.TEMPORAL_TLS_CA ||
    settings.TEMPORAL_TLS_CERT ||
    settings.TEMPORAL_TLS_SERVER_NAME,
  );
}

function tlsConfig(settings: TemporalSettings, readFile: ReadFile): TLSConfig {
  const problems: string[] = [];
  const read = (variable: keyof TemporalSettings, path: string | undefined) => {
    if (!path) return undefined;
    try {
      return readFile(path);
    } catch (error) {
      problems.push(`${variable}: cannot read ${path} (${reasonOf(error)})`);
      return undefined;
    }
  };
  const ca = read('TEMPORAL_TLS_CA', settings.TEMPORAL_TLS_CA);
  const crt = read('TEMPORAL_TLS_CERT', settings.TEMPORAL_TLS_CERT);
  const key = read('TEMPORAL_TLS_KEY', settings.TEMPORAL_TLS_KEY);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    ...(settings.TEMPORAL_TLS_SERVER_NAME
      ? { serverNameOverride: settings.TEMPORAL_TLS_SERVER_NAME }
      : {}),
  };
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unreadable';
}
