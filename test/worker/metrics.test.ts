import type { MetricMeter, MetricTags } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { RATE_LIMIT_WAIT_BUCKETS_SECONDS } from '../../common/metrics.js';
import { temporalMeterMetrics, workerTelemetry } from '../../worker/metrics.js';

interface Recorded {
  metric: string;
  kind: string;
  valueType?: string;
  value: number;
  tags: MetricTags;
}

/** A meter that keeps every value recorded on it, with its metric's name and kind. */
function recordingMeter(recorded: Recorded[]): MetricMeter {
  const metric = (name: string, kind: string, valueType?: string) => {
    const record = (value: number, tags: MetricTags = {}) =>
      recorded.push({ metric: name, kind, valueType, value, tags });
    return {
      name,
      kind,
      valueType,
      add: record,
      record,
      set: record,
      withTags: () => metric(name, kind),
    };
  };
  const meter = {
    createCounter: (name: string) => metric(name, 'counter'),
    createHistogram: (name: string, valueType?: string) => metric(name, 'histogram', valueType),
    createGauge: (name: string) => metric(name, 'gauge'),
    withTags: () => meter,
  };

  return meter as unknown as MetricMeter;
}

describe('temporalMeterMetrics', () => {
  describe('when Greenroom records its work', () => {
    it('adds one to the mint counter with outcome and cause', () => {
      const recorded: Recorded[] = [];
      temporalMeterMetrics(recordingMeter(recorded)).tokenMint('refused', 'app_disabled');

      expect(recorded).toStrictEqual([
        {
          metric: 'greenroom_token_mints_total',
          kind: 'counter',
          valueType: undefined,
          value: 1,
          tags: { outcome: 'refused', cause: 'app_disabled' },
        },
      ]);
    });

    it('adds one to the Zoom call counter with endpoint and status', () => {
      const recorded: Recorded[] = [];
      temporalMeterMetrics(recordingMeter(recorded)).zoomCall('GET /users/{userId}', '200');

      expect(recorded).toMatchObject([
        {
          metric: 'greenroom_zoom_calls_total',
          value: 1,
          tags: { endpoint: 'GET /users/{userId}', status: '200' },
        },
      ]);
    });

    it('records a pacing wait in seconds on a float histogram by category', () => {
      const recorded: Recorded[] = [];
      temporalMeterMetrics(recordingMeter(recorded)).rateLimitWait('medium', 0.25);

      expect(recorded).toStrictEqual([
        {
          metric: 'greenroom_zoom_rate_limit_wait_seconds',
          kind: 'histogram',
          valueType: 'float',
          value: 0.25,
          tags: { category: 'medium' },
        },
      ]);
    });
  });
});

describe('workerTelemetry', () => {
  it('binds the Prometheus exporter to the address given, with second buckets for waits', () => {
    expect(workerTelemetry('127.0.0.1:9464')).toStrictEqual({
      metrics: {
        prometheus: {
          bindAddress: '127.0.0.1:9464',
          histogramBucketOverrides: {
            greenroom_zoom_rate_limit_wait_seconds: RATE_LIMIT_WAIT_BUCKETS_SECONDS,
          },
        },
      },
    });
  });

  it('exports nothing when metrics are off', () => {
    expect(workerTelemetry('off')).toStrictEqual({});
  });
});
