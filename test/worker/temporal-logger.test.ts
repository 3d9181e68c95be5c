import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { logFields, PinoTemporalLogger } from '../../worker/temporal-logger.js';

describe('logFields', () => {
  describe('when an activity logs', () => {
    const activityMeta = {
      sdkComponent: 'activity',
      workflowId: 'zoom-integration:evt-1',
      workflowRunId: 'run-7',
      activityType: 'mintToken',
      taskToken: 'Cg8yNTY3...',
    };

    it('names the run runId, as workflow lines do', () => {
      expect(logFields(activityMeta)).toMatchObject({
        workflowId: 'zoom-integration:evt-1',
        runId: 'run-7',
      });
      expect(logFields(activityMeta)).not.toHaveProperty('workflowRunId');
    });

    it('leaves the task token out', () => {
      expect(logFields(activityMeta)).not.toHaveProperty('taskToken');
    });
  });

  describe('when a workflow or the worker logs', () => {
    it('keeps the fields as they are', () => {
      const meta = { sdkComponent: 'workflow', workflowId: 'w', runId: 'r', attempt: 1 };

      expect(logFields(meta)).toStrictEqual(meta);
    });
  });
});

describe('PinoTemporalLogger', () => {
  it('writes one JSON line per call with the message, level and normalised ids', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });

    new PinoTemporalLogger(logger).warn('zoom token request failed', {
      workflowId: 'w',
      workflowRunId: 'r',
    });

    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 40,
      msg: 'zoom token request failed',
      workflowId: 'w',
      runId: 'r',
    });
  });
});
