import { randomId } from './ids.js';
import type { User } from './model.js';

/** Zoom's next_page_token stops working this long after it was handed out. */
export const PAGE_TOKEN_TTL_MS = 15 * 60 * 1000;

/**
 * Where a listing resumes: what it lists, the filter it was started with and how far it got.
 * Limitation: the position is an offset, so records deleted or added mid-scan shift later pages
 * by that many; Zoom's own behaviour under concurrent changes is undocumented, so none is promised.
 */
export type ListCursor =
  | { listing: 'users'; accountId: string; status: User['status']; offset: number }
  | { listing: MeetingListing; accountId: string; hostId: string; offset: number };

export type MeetingListing = 'meetings' | 'webinars';

interface IssuedCursor {
  cursor: ListCursor;
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
    this.cursors.set(token, { cursor: { ...cursor }, expiresAtMs: nowMs + PAGE_TOKEN_TTL_MS });
    return token;
  }

  /** The cursor behind token, if it is live and was issued to accountId. */
  redeem(token: string, accountId: string, nowMs: number): ListCursor | undefined {
    const issued = this.cursors.get(token);
    if (!issued || issued.cursor.accountId !== accountId || issued.expiresAtMs <= nowMs) {
      return undefined;
    }

    return { ...issued.cursor };
  }

  /** Expires every outstanding token at once; returns how many it forgot. */
  expireAll(): number {
    const count = this.cursors.size;
    this.cursors.clear();
    return count;
  }

  private prune(nowMs: number): void {
    // Tokens are issued in time order, so the expired ones sit at the front of the map.
    for (const [token, issued] of this.cursors) {
      if (issued.expiresAtMs > nowMs) return;
      this.cursors.delete(token);
    }
  }
}

export interface Page<T> {
  items: T[];
  /** The token that resumes after this page; empty on the last page, as Zoom's is. */
  nextPageToken: string;
}

/** The page of items that cursor points at, with a token for the next one when there is more. */
export function pageAt<T>(
  store: PageTokenStore,
  items: readonly T[],
  cursor: ListCursor,
  pageSize: number,
  nowMs: number,
): Page<T> {
  const page = items.slice(cursor.offset, cursor.offset + pageSize);
  const nextOffset = cursor.offset + page.length;
  const more = page.length > 0 && nextOffset < items.length;
  const nextPageToken = more ? store.issue({ ...cursor, offset: nextOffset }, nowMs) : '';

  return { items: page, nextPageToken };
}
