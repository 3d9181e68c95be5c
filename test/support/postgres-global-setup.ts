// Vitest global setup: every test run gets a PostgreSQL server for the store's tests, either
// the one GREENROOM_TEST_DATABASE_URL names or a throwaway one started here and removed after.
import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL to a database on a server where tests may create and drop their own databases. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const given = process.env.GREENROOM_TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return undefined;
  }
  const server = await startThrowawayPostgres();
  project.provide('postgresUrl', server.url);

  return () => server.stop();
}
