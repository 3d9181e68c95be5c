import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from 'pino';

/** Routes the SDK's logs (workflow, activity and worker lines, with their ids) into pino. */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const method = level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    this.logger[method](logFields(meta ?? {}), message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * One spelling of the ids on every line: the SDK names the run `runId` in workflow lines but
 * `workflowRunId` in activity lines, so a search by `runId` finds both. The activity's task token
 * is left out: whoever holds it can complete the activity, and no reader of a log needs it.
 */
export function logFields(meta: LogMetadata): LogMetadata {
  const { workflowRunId, ...fields }: Record<string, unknown> = meta;
  delete fields.taskToken;
  if (workflowRunId !== undefined && fields.runId === undefined) fields.runId = workflowRunId;

  return fields;
}
