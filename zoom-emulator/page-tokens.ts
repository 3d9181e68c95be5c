import { randomId } from './ids.js';
import type { User } from './model.js';

/** Zoom's next_page_token stops working this long after it was handed out. */
export const PAGE_TOKEN_TTL_MS = 15 * 60 * 1000;

/**
 * Where a user listing resumes: the filter it was started with and how far it got.
 * Limitation: the position is an offset, so users deleted or added mid-scan shift later pages by
 * that many; Zoom's own behaviour under concurrent changes is undocumented, so none is promised.
 */
export interface ListCursor {
  accountId: string;
  status: User['status'];
  offset: number;
}

interface IssuedCursor extends ListCursor {
  expiresAtMs: number;
}

/**
 * Outstanding next_page_tokens. A token may be redeemed again until it expires, as a client
 * retrying a failed page needs; expired ones are forgotten, which answers the same as unknown.
 */
export class PageTokenStore {
  private readonly cursors = new Map<string, IssuedCursor>();

  issue(cursor: ListCursor, nowMs: number): string {
    this.prune(nowMs);
    const token = randomId(24);
    this.cursors.set(token, { ...cursor, expiresAtMs: nowMs + PAGE_TOKEN_TTL_MS });
    return token;
  }

  /** The cursor behind token, if it is live and was issued to accountId. */
  redeem(token: string, accountId: string, nowMs: number): ListCursor | undefined {
    const cursor = this.cursors.get(token);
    if (!cursor || cursor.accountId !== accountId || cursor.expiresAtMs <= nowMs) return undefined;

    return { accountId, status: cursor.status, offset: cursor.offset };
  }

  /** Expires every outstanding token at once; returns how many it forgot. */
  expireAll(): number {
    const count = this.cursors.size;
    this.cursors.clear();
    return count;
  }

  private prune(nowMs: number): void {
    // Tokens are issued in time order, so the expired ones sit at the front of the map.
    for (const [token, cursor] of this.cursors) {
      if (cursor.expiresAtMs > nowMs) return;
      this.cursors.delete(token);
    }
  }
}
