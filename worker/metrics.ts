import type { MetricMeter } from '@temporalio/common';
import type { TelemetryOptions } from '@temporalio/worker';
import {
  GREENROOM_SERIES,
  RATE_LIMIT_WAIT_BUCKETS_SECONDS,
  type GreenroomMetrics,
} from '../common/metrics.js';

/**
 * Greenroom's series recorded on Temporal's metric meter, so the worker serves them on the same
 * Prometheus endpoint as the SDK's own, with no second server or port to run and secure.
 */
export function temporalMeterMetrics(meter: MetricMeter): GreenroomMetrics {
  const { tokenMints, zoomCalls, rateLimitWaits } = GREENROOM_SERIES;
  const mints = meter.createCounter(tokenMints.name, undefined, tokenMints.help);
  const calls = meter.createCounter(zoomCalls.name, undefined, zoomCalls.help);
  const waits = meter.createHistogram(rateLimitWaits.name, 'float', 's', rateLimitWaits.help);

  return {
    tokenMint: (outcome, cause) => mints.add(1, { outcome, cause }),
    zoomCall: (endpoint, status) => calls.add(1, { endpoint, status }),
    rateLimitWait: (category, seconds) => waits.record(seconds, { category }),
  };
}

/**
 * The Runtime's telemetry: a Prometheus exporter on `address` (host:port, served at `/metrics`),
 * or none for `off`. Temporal's own series keep their `temporal_` prefix; Greenroom's are named
 * in full and get second-sized buckets.
 */
export function workerTelemetry(address: string): TelemetryOptions {
  if (address === 'off') return {};

  return {
    metrics: {
      prometheus: {
        bindAddress: address,
        histogramBucketOverrides: {
          [GREENROOM_SERIES.rateLimitWaits.name]: RATE_LIMIT_WAIT_BUCKETS_SECONDS,
        },
      },
    },
  };
}
