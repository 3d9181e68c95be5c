/** Counters tests read to check how often Greenroom called the emulator. */
export interface Stats {
  tokenRequests: number;
  tokensIssued: number;
  tokenRefusals: number;
  apiCalls: number;
  faultsInjected: number;
}

export function emptyStats(): Stats {
  return { tokenRequests: 0, tokensIssued: 0, tokenRefusals: 0, apiCalls: 0, faultsInjected: 0 };
}
