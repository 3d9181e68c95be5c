import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { loadHistory } from '../../tools/history-files.js';
import { workflowBundle } from '../support/workflow-harness.js';

const DIR = join(import.meta.dirname, '..', 'histories');
// Each folder keeps a generation of histories: those recorded before a change still replay after
// it (behind its patch), as running workflows of that age must.
const files = readdirSync(DIR, { recursive: true, encoding: 'utf8' }).filter((name) =>
  name.endsWith('.json'),
);
const typeOf = (file: string) => (file.split('/').at(-1) ?? '').split('--')[0];

// Histories recorded from real runs (npm run record:histories): a change that breaks
// determinism for any of them fails here, before it can strand a running workflow.
describe('recorded histories', () => {
  it('cover every workflow type, a lifecycle that continued as new and an older generation', () => {
    const types = new Set(files.map(typeOf));
    expect([...types].sort()).toEqual([
      'addHostWorkflow',
      'importHostsWorkflow',
      'meetingCleanupWorkflow',
      'removeHostWorkflow',
      'sessionBatchSyncWorkflow',
      'sessionSyncWorkflow',
      'syncHostsWorkflow',
      'webhookDeliveryWorkflow',
      'zoomIntegrationWorkflow',
    ]);
    expect(files.filter((name) => name.startsWith('before-sessions/')).length).toBeGreaterThan(5);
    expect(files.filter((name) => name.startsWith('before-notices/')).length).toBeGreaterThan(20);
    expect(files.filter((name) => name.includes('rec-healthy')).length).toBeGreaterThan(1);
  });

  it('replay deterministically against the current code', async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const histories = files.map((name) => ({
      workflowId: name,
      history: loadHistory(join(DIR, name)),
    }));
    const failures: string[] = [];
    const results = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle() },
      histories,
    );
    for await (const result of results) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
