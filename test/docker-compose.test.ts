import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOSED_WORKFLOW_RETENTION_HOURS } from '../common/durations.js';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from '../common/search-attributes.js';

const ROOT = resolve(import.meta.dirname, '..');
const COMPOSE_FILE = resolve(ROOT, 'docker-compose.yml');

interface Service {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
}

interface ComposeModel {
  services: Record<string, Service>;
}

/** The settings through which the API and the workers reach Temporal and the store. */
const SHARED_SETTINGS = /^(TEMPORAL_|GREENROOM_|SHUTDOWN_GRACE_SECONDS$)/;

/** An exact release: digits and dots, optionally a variant such as `-bookworm`; never latest. */
const PINNED_TAG = /^\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$/;

function compose(args: string[]) {
  // No Docker engine is needed: `config` only reads, resolves and validates the file.
  return spawnSync('docker-compose', ['-f', COMPOSE_FILE, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
}

/** The file as docker-compose resolves it (anchors merged, variables filled), read as JSON. */
function resolvedModel(): ComposeModel {
  const resolved = compose(['config']);
  if (resolved.status !== 0) throw new Error(`docker-compose config failed: ${resolved.stderr}`);
  // docker-compose prints YAML; its own Python YAML library turns it into JSON.
  const json = execFileSync(
    'python3',
    ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
    { input: resolved.stdout, encoding: 'utf8' },
  );
  return JSON.parse(json) as ComposeModel;
}

function service(model: ComposeModel, name: string): Service {
  const found = model.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function sharedSettings(each: Service): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(each.environment ?? {}).filter(([key]) => SHARED_SETTINGS.test(key)),
  );
}

describe('docker-compose.yml', () => {
  let model: ComposeModel;

  beforeAll(() => {
    model = resolvedModel();
  });

  it('is valid for docker-compose, without errors or warnings', () => {
    const checked = compose(['config', '-q']);

    expect(checked.error).toBeUndefined();
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });

  it('pins every image to an exact version', () => {
    const unpinned = Object.entries(model.services)
      .map(([name, each]) => [name, each.image ?? '(no image)'] as const)
      .filter(([, image]) => !PINNED_TAG.test(image.split(':')[1] ?? ''));

    expect(unpinned).toStrictEqual([]);
  });

  it('sets Temporal up with admin-tools, never the auto-setup image', () => {
    const images = Object.values(model.services).map((each) => each.image ?? '');
    const schema = service(model, 'temporal-schema');
    const script = (schema.command ?? []).join('\n');

    expect(images.filter((image) => image.includes('auto-setup'))).toStrictEqual([]);
    expect(schema.image).toMatch(/^temporalio\/admin-tools:/);
    expect(script).toContain('temporal-sql-tool');
    expect(script).toMatch(/schema temporal temporal\n/);
    expect(script).toMatch(/schema temporal_visibility visibility\n/);
    expect(service(model, 'temporal').depends_on?.['temporal-schema']).toStrictEqual({
      condition: 'service_completed_successfully',
    });
  });

  it('runs the same server version as the schema it set up', () => {
    const version = (name: string) => service(model, name).image?.split(':')[1];

    expect(version('temporal')).toBe(version('temporal-schema'));
    expect(version('temporal-namespace')).toBe(version('temporal-schema'));
  });

  it('registers exactly the search attributes Greenroom publishes', () => {
    const [, , ...attributes] = service(model, 'temporal-namespace').command ?? [];

    expect(attributes).toStrictEqual(
      SEARCH_ATTRIBUTE_REGISTRATIONS.map(({ name, cliType }) => `${name}=${cliType}`),
    );
  });

  it('keeps closed workflows for the retention Greenroom expects', () => {
    const job = service(model, 'temporal-namespace');

    expect(job.environment?.RETENTION).toBe(`${CLOSED_WORKFLOW_RETENTION_HOURS}h`);
    // `config` prints the file's `$$` escapes as they are, and a shell reads them as `$`.
    expect(job.command?.[0]).toMatch(/namespace update .* --retention "\$\$RETENTION"/);
  });

  it('gives the API and every worker the same Temporal and store settings', () => {
    const api = sharedSettings(service(model, 'api'));

    expect(sharedSettings(service(model, 'worker'))).toStrictEqual(api);
    expect(api).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'default' });
    expect(api.GREENROOM_DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@greenroom-db:5432\//);
  });

  it('runs three workers, each waiting for the namespace job and the store', () => {
    for (const name of ['worker', 'api']) {
      expect(service(model, name).depends_on).toMatchObject({
        'temporal-namespace': { condition: 'service_completed_successfully' },
        'greenroom-db': { condition: 'service_healthy' },
      });
    }
    expect(service(model, 'worker').deploy?.replicas).toBe(3);
  });
});
