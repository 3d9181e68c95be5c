import type { Client } from '@temporalio/client';
import { SECOND_MS } from '../common/durations.js';
import type { AccessStore } from '../store/types.js';

/** Resolves when a dependency answers; rejects (or never settles) when it does not. */
export type ReadinessCheck = () => Promise<unknown>;

export const DEPENDENCIES = ['temporal', 'store'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];
export type ReadinessChecks = Record<Dependency, ReadinessCheck>;
export type ReadinessReport = Record<Dependency, 'ready' | 'not_ready'>;

/** A probe answers well within a load balancer's own timeout, however a dependency hangs. */
const CHECK_TIMEOUT_MS = 2 * SECOND_MS;

/** Temporal is ready when it describes the namespace this process works in. */
export function temporalNamespaceCheck(client: Client): ReadinessCheck {
  const { connection, options } = client;
  return () =>
    connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
      connection.workflowService.describeNamespace({ namespace: options.namespace }),
    );
}

/** The store is ready when it answers a trivial read. */
export function storeReadCheck(store: AccessStore): ReadinessCheck {
  return () => store.countOperatorKeys();
}

/** Runs every check at once; a check that fails or outlasts the timeout is not ready. */
export async function checkReadiness(
  checks: ReadinessChecks,
  onFailure: (dependency: Dependency, error: unknown) => void,
): Promise<ReadinessReport> {
  const outcomes = await Promise.all(
    DEPENDENCIES.map(async (dependency) => {
      try {
        await withTimeout(checks[dependency](), `${dependency} did not answer in time`);
        return [dependency, 'ready'] as const;
      } catch (error) {
        onFailure(dependency, error);
        return [dependency, 'not_ready'] as const;
      }
    }),
  );

  return Object.fromEntries(outcomes) as ReadinessReport;
}

async function withTimeout(check: Promise<unknown>, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
