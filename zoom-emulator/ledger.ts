/** One app's issued tokens as parallel arrays, compact enough for thousands of apps. */
interface AppLedger {
  clientId: string;
  accountId: string;
  issuedAtMs: number[];
  expiresAtMs: number[];
  revoked: boolean[];
  /** Stays true while tokens arrive in issue order, sparing a sort when coverage is asked. */
  sorted: boolean;
}

interface AppRef {
  clientId: string;
  accountId: string;
}

export interface LedgerEntry {
  issuedAtMs: number;
  expiresAtMs: number;
  revoked: boolean;
}

export interface Gap {
  fromMs: number;
  toMs: number;
}

export interface AppCoverage {
  clientId: string;
  accountId: string;
  tokens: number;
  expiredMs: number;
  gaps: Gap[];
}

export interface Coverage {
  apps: AppCoverage[];
  totalExpiredMs: number;
  totalTokens: number;
}

/** Every token ever issued, kept in memory only, to measure how well Greenroom kept one live. */
export class TokenLedger {
  private readonly apps = new Map<string, AppLedger>();

  record(clientId: string, accountId: string, issuedAtMs: number, expiresAtMs: number): void {
    const ledger = this.apps.get(clientId) ?? this.create(clientId, accountId);
    const last = ledger.issuedAtMs[ledger.issuedAtMs.length - 1];
    if (last !== undefined && issuedAtMs < last) ledger.sorted = false;
    ledger.issuedAtMs.push(issuedAtMs);
    ledger.expiresAtMs.push(expiresAtMs);
    ledger.revoked.push(false);
  }

  /** Marks the app's tokens still live at nowMs as revoked. */
  revokeLive(clientId: string, nowMs: number): void {
    const ledger = this.apps.get(clientId);
    if (!ledger) return;

    ledger.expiresAtMs.forEach((expiresAtMs, index) => {
      if (expiresAtMs > nowMs) ledger.revoked[index] = true;
    });
  }

  entries(clientId: string): LedgerEntry[] {
    const ledger = this.apps.get(clientId);
    if (!ledger) return [];

    return ledger.issuedAtMs.map((issuedAtMs, index) => ({
      issuedAtMs,
      expiresAtMs: ledger.expiresAtMs[index] ?? issuedAtMs,
      revoked: ledger.revoked[index] ?? false,
    }));
  }

  /** Coverage of every app that ever got a token, plus listed apps that never did. */
  coverage(knownApps: Iterable<AppRef>, untilMs?: number): Coverage {
    const result: Coverage = { apps: [], totalExpiredMs: 0, totalTokens: 0 };
    const neverIssued = [...knownApps].filter((app) => !this.apps.has(app.clientId));
    const all = [...this.apps.values(), ...neverIssued.map((app) => emptyLedger(app))];
    for (const ledger of all) {
      const app = appCoverage(ledger, untilMs);
      result.apps.push(app);
      result.totalExpiredMs += app.expiredMs;
      result.totalTokens += app.tokens;
    }

    return result;
  }

  clear(): void {
    this.apps.clear();
  }

  private create(clientId: string, accountId: string): AppLedger {
    const ledger = emptyLedger({ clientId, accountId });
    this.apps.set(clientId, ledger);
    return ledger;
  }
}

function emptyLedger({ clientId, accountId }: AppRef): AppLedger {
  return { clientId, accountId, issuedAtMs: [], expiresAtMs: [], revoked: [], sorted: true };
}

/**
 * Walks tokens in issue order, tracking the latest expiry so far: a token issued after it
 * leaves a gap, one issued before it merely overlaps. With untilMs the uncovered tail counts too.
 */
function appCoverage(ledger: AppLedger, untilMs: number | undefined): AppCoverage {
  const order = issueOrder(ledger);
  const gaps: Gap[] = [];
  let coveredUntil = Number.NEGATIVE_INFINITY;
  for (const index of order) {
    const issuedAtMs = ledger.issuedAtMs[index] ?? 0;
    if (coveredUntil > Number.NEGATIVE_INFINITY && issuedAtMs > coveredUntil) {
      gaps.push({ fromMs: coveredUntil, toMs: issuedAtMs });
    }
    coveredUntil = Math.max(coveredUntil, ledger.expiresAtMs[index] ?? issuedAtMs);
  }
  if (untilMs !== undefined && coveredUntil > Number.NEGATIVE_INFINITY && untilMs > coveredUntil) {
    gaps.push({ fromMs: coveredUntil, toMs: untilMs });
  }

  const expiredMs = gaps.reduce((sum, gap) => sum + gap.toMs - gap.fromMs, 0);
  const { clientId, accountId } = ledger;
  return { clientId, accountId, tokens: order.length, expiredMs, gaps };
}

function issueOrder(ledger: AppLedger): number[] {
  const order = ledger.issuedAtMs.map((_issued, index) => index);
  if (ledger.sorted) return order;

  const issued = ledger.issuedAtMs;
  return order.sort((a, b) => (issued[a] ?? 0) - (issued[b] ?? 0));
}
