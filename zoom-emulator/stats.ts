/** Counters tests read to check how often Greenroom called the emulator. */
export interface Stats {
  tokenRequests: number;
  tokensIssued: number;
  tokenRefusals: number;
  apiCalls: number;
  /** Keyed by method and route pattern, such as `GET /v2/users/:userId`; faulted calls count. */
  apiCallsByEndpoint: Record<string, number>;
  /** Calls that reached the rate limiter, by Zoom's category; refused ones count too. */
  apiCallsByCategory: Record<string, number>;
  apiRateLimited: number;
  faultsInjected: number;
}

export function emptyStats(): Stats {
  return {
    tokenRequests: 0,
    tokensIssued: 0,
    tokenRefusals: 0,
    apiCalls: 0,
    apiCallsByEndpoint: {},
    apiCallsByCategory: {},
    apiRateLimited: 0,
    faultsInjected: 0,
  };
}
