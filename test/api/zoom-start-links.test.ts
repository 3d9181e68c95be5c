import { describe, expect, it, vi } from 'vitest';
import {
  ZoomDailyLimitReached,
  ZoomTokenRejected,
  type ZoomRequest,
} from '../../activities/zoom/api-client.js';
import { createStartLinks } from '../../api/zoom-start-links.js';
import type { GreenroomStore } from '../../store/types.js';

const NOW_MS = Date.parse('2027-03-01T08:00:00Z');
const MEETING = { kind: 'meeting', meetingId: '81234567890', hostId: 'h', joinUrl: 'j' } as const;

function storeWith(expiresAtMs: number): GreenroomStore {
  return {
    readActiveToken: () => Promise.resolve({ accessToken: 'tok', expiresAtMs }),
    readConnection: () => Promise.resolve({ accountId: 'acct' }),
  } as unknown as GreenroomStore;
}

function links(zoomRequest: ZoomRequest, regenerate = vi.fn(() => Promise.resolve(true))) {
  const fetchStartLink = createStartLinks({
    store: storeWith(NOW_MS + 60_000),
    zoomRequest,
    pace: () => Promise.resolve(),
    regenerate,
    now: () => NOW_MS,
  });
  return { fetchStartLink, regenerate };
}

describe('start links', () => {
  it('asks Zoom each time and answers the link with its two-hour lifetime', async () => {
    const zoomRequest = vi.fn(() =>
      Promise.resolve({ start_url: 'https://zoom.example/s/1?zak=x' }),
    );
    const { fetchStartLink } = links(zoomRequest);
    expect(await fetchStartLink('evt', MEETING)).toEqual({
      startUrl: 'https://zoom.example/s/1?zak=x',
      expiresAtMs: NOW_MS + 2 * 3600_000,
    });
    expect(zoomRequest).toHaveBeenCalledWith('GET', '/meetings/81234567890', 'tok');
  });

  it('mints once and asks again when Zoom rejects the token', async () => {
    const zoomRequest = vi
      .fn<ZoomRequest>()
      .mockRejectedValueOnce(new ZoomTokenRejected('rejected'))
      .mockResolvedValueOnce({ start_url: 'https://zoom.example/s/1?zak=y' });
    const { fetchStartLink, regenerate } = links(zoomRequest);
    expect((await fetchStartLink('evt', MEETING)).startUrl).toBe('https://zoom.example/s/1?zak=y');
    expect(regenerate).toHaveBeenCalledOnce();
  });

  it('answers token_expired when the new mint fails too', async () => {
    const zoomRequest = vi.fn<ZoomRequest>().mockRejectedValue(new ZoomTokenRejected('no'));
    const { fetchStartLink } = links(
      zoomRequest,
      vi.fn(() => Promise.resolve(false)),
    );
    await expect(fetchStartLink('evt', MEETING)).rejects.toMatchObject({ code: 'token_expired' });
  });

  it('answers Zoom’s daily limit with its reset, not a failure of ours', async () => {
    const resetsAtMs = Date.parse('2027-03-02T00:00:00Z');
    const zoomRequest = vi
      .fn<ZoomRequest>()
      .mockRejectedValue(new ZoomDailyLimitReached(resetsAtMs));
    const { fetchStartLink } = links(zoomRequest);
    await expect(fetchStartLink('evt', MEETING)).rejects.toMatchObject({
      code: 'zoom_daily_limit_reached',
      details: { resetsAt: '2027-03-02T00:00:00.000Z' },
    });
  });

  it('does not call Zoom with a token past its expiry', async () => {
    const zoomRequest = vi.fn<ZoomRequest>();
    const fetchStartLink = createStartLinks({
      store: storeWith(NOW_MS - 1),
      zoomRequest,
      pace: () => Promise.resolve(),
      regenerate: () => Promise.resolve(false),
      now: () => NOW_MS,
    });
    await expect(fetchStartLink('evt', MEETING)).rejects.toMatchObject({ code: 'token_expired' });
    expect(zoomRequest).not.toHaveBeenCalled();
  });
});
