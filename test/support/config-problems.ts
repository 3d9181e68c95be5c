import { ConfigError } from '../../common/config.js';

/** The problems a ConfigError lists; fails the test when the attempt throws nothing. */
export function configProblemsOf(attempt: () => unknown): string[] {
  try {
    attempt();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }

  throw new Error('expected a ConfigError');
}
