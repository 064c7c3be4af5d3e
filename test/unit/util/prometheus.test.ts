import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CollectedGauge, Counter, Histogram, MetricsRegistry } from '../../../src/util/prometheus.js';

describe('Prometheus text format', () => {
  test('counters, histograms and gauges render as exposition format 0.0.4', () => {
    const registry = new MetricsRegistry();
    const restarts = registry.register(new Counter('restarts_total', 'Restarts.'));
    const latency = registry.register(new Histogram('latency_seconds', 'Latency.', [0.1, 1]));
    registry.register(
      new CollectedGauge('pods', 'Pods by phase.', () => [{ labels: { phase: 'Running' }, value: 2 }]),
    );
    restarts.inc({ pod: 'a"b' });
    restarts.inc({ pod: 'a"b' }, 2);
    latency.observe({ verb: 'GET' }, 0.05);
    latency.observe({ verb: 'GET' }, 0.5);
    latency.observe({ verb: 'GET' }, 5);
    assert.equal(
      registry.render(),
      [
        '# HELP restarts_total Restarts.',
        '# TYPE restarts_total counter',
        'restarts_total{pod="a\\"b"} 3',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{verb="GET",le="0.1"} 1',
        'latency_seconds_bucket{verb="GET",le="1"} 2',
        'latency_seconds_bucket{verb="GET",le="+Inf"} 3',
        'latency_seconds_sum{verb="GET"} 5.55',
        'latency_seconds_count{verb="GET"} 3',
        '# HELP pods Pods by phase.',
        '# TYPE pods gauge',
        'pods{phase="Running"} 2',
        '',
      ].join('\n'),
    );
  });
});
