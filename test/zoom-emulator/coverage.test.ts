import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildZoomEmulator } from '../../zoom-emulator/app.js';
import { TokenLedger } from '../../zoom-emulator/ledger.js';
import { control, createApp, mint } from './helpers.js';

const app1 = { clientId: 'c1', accountId: 'a1' };

/** A ledger holding one app's tokens, each given as [issuedAtMs, expiresAtMs]. */
function ledgerOf(tokens: [number, number][]): TokenLedger {
  const ledger = new TokenLedger();
  for (const [issued, expires] of tokens) ledger.record('c1', 'a1', issued, expires);
  return ledger;
}

describe('token coverage', () => {
  describe('within one app', () => singleAppCases());
  describe('with untilMs', () => trailingGapCases());
  describe('across apps', () => multiAppCases());
});

function singleAppCases(): void {
  describe('when tokens overlap or touch', () => {
    it('finds no gap', () => {
      const coverage = ledgerOf([
        [0, 100],
        [90, 190],
        [190, 290],
      ]).coverage([]);

      expect(coverage).toStrictEqual({
        apps: [{ ...app1, tokens: 3, expiredMs: 0, gaps: [] }],
        totalExpiredMs: 0,
        totalTokens: 3,
      });
    });
  });

  describe('when a token is issued after the previous one expired', () => {
    it('counts the time in between as a gap', () => {
      const coverage = ledgerOf([
        [0, 100],
        [130, 230],
        [300, 400],
      ]).coverage([]);

      expect(coverage.apps[0]?.gaps).toStrictEqual([
        { fromMs: 100, toMs: 130 },
        { fromMs: 230, toMs: 300 },
      ]);
      expect(coverage.totalExpiredMs).toBe(100);
    });
  });

  describe('when a short token expires inside a longer one', () => {
    it('measures gaps from the latest expiry so far', () => {
      const coverage = ledgerOf([
        [0, 500],
        [100, 150],
        [200, 250],
        [600, 700],
      ]).coverage([]);

      expect(coverage.apps[0]?.gaps).toStrictEqual([{ fromMs: 500, toMs: 600 }]);
    });
  });

  describe('when tokens were recorded out of issue order', () => {
    it('sorts them before measuring', () => {
      const coverage = ledgerOf([
        [300, 400],
        [0, 100],
        [130, 230],
      ]).coverage([]);

      expect(coverage.apps[0]?.expiredMs).toBe(100);
      expect(coverage.apps[0]?.gaps[0]).toStrictEqual({ fromMs: 100, toMs: 130 });
    });
  });
}

function trailingGapCases(): void {
  describe('when the last token expired before untilMs', () => {
    it('adds the trailing gap from the last expiry', () => {
      const coverage = ledgerOf([[0, 100]]).coverage([], 160);

      expect(coverage.apps[0]?.gaps).toStrictEqual([{ fromMs: 100, toMs: 160 }]);
      expect(coverage.totalExpiredMs).toBe(60);
    });
  });

  describe('when the last token is still live at untilMs', () => {
    it('adds nothing', () => {
      expect(ledgerOf([[0, 100]]).coverage([], 90).totalExpiredMs).toBe(0);
    });
  });
}

function multiAppCases(): void {
  it('lists known apps that never got a token', () => {
    const coverage = new TokenLedger().coverage([app1], 1000);

    expect(coverage.apps).toStrictEqual([{ ...app1, tokens: 0, expiredMs: 0, gaps: [] }]);
  });

  it('sums across apps', () => {
    const ledger = ledgerOf([
      [0, 100],
      [150, 250],
    ]);
    ledger.record('c2', 'a2', 0, 100);
    ledger.record('c2', 'a2', 120, 220);

    const coverage = ledger.coverage([]);
    expect(coverage).toMatchObject({ totalExpiredMs: 70, totalTokens: 4 });
  });

  it('handles a thousand apps of a hundred tokens each quickly', () => {
    const ledger = new TokenLedger();
    for (let app = 0; app < 1000; app += 1) {
      for (let token = 0; token < 100; token += 1) {
        // Every tenth token comes late, leaving a 10 ms gap.
        const issued = token * 1000 + (token % 10 === 9 ? 10 : 0);
        ledger.record(`c${app}`, 'a', issued, issued + 1000 - (token % 10 === 8 ? 10 : 0));
      }
    }

    const startedAt = performance.now();
    const coverage = ledger.coverage([], 100_000);
    expect(performance.now() - startedAt).toBeLessThan(500);
    expect(coverage.totalTokens).toBe(100_000);
    expect(coverage.apps[0]?.gaps).toHaveLength(10);
  });
}

describe('GET /_control/coverage', () => {
  let app: FastifyInstance | undefined;

  afterEach(async () => {
    await app?.close();
  });

  it('measures gaps on the emulator clock', async () => {
    const frozen = Date.UTC(2030, 0, 1);
    app = await buildZoomEmulator({ tokenTtlSeconds: 60, wallNow: () => frozen });
    const credentials = await createApp(app);
    await mint(app, credentials);
    await control(app, 'POST', '/clock/advance', { ms: 90_000 });
    await mint(app, credentials);

    const coverage = await control(app, 'GET', `/coverage?untilMs=${frozen + 200_000}`);
    expect(coverage).toStrictEqual({
      apps: [
        {
          clientId: credentials.clientId,
          accountId: credentials.accountId,
          tokens: 2,
          expiredMs: 30_000 + 50_000,
          gaps: [
            { fromMs: frozen + 60_000, toMs: frozen + 90_000 },
            { fromMs: frozen + 150_000, toMs: frozen + 200_000 },
          ],
        },
      ],
      totalExpiredMs: 80_000,
      totalTokens: 2,
    });
  });

  it('refuses an untilMs that is not a number', async () => {
    app = await buildZoomEmulator();

    const response = await app.inject({ url: '/_control/coverage?untilMs=soon' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { details: [{ field: 'untilMs' }] } });
  });
});
