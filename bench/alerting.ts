// Alerting micro-benchmark: the time one evaluation of the rules takes over the signals of a busy
// sidecar, and so the share of a core the engine costs at its evaluation interval.
import { performance } from 'node:perf_hooks';
import { SPAN_LABELS, startAlerting } from '../test/kit/alerting.js';

export interface AlertingBench { series: number; rules: number; msPerEvaluation: number; coreShare: number }

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };

/** 4,000 span series (200 services × 20 operations) and 50 rules (error ratio, p99, rate per service), every 15 s. */
export async function benchAlertingEvaluation(services = 200, operations = 20, rounds = 7): Promise<AlertingBench> {
  const rules = Array.from({ length: 50 }, (_, i) => {
    const metric = ['span_error_ratio', 'span_latency_p99', 'span_rate'][i % 3]!;
    return { name: `rule-${i}`, metric, window: '5m', operator: 'gt', threshold: metric === 'span_error_ratio' ? 0.05 + i / 1000 : 1e9, severity: 'high' };
  });
  const h = await startAlerting({ evaluation_interval: '15s', rules });
  const calls = h.s.signals.counter('span_calls', SPAN_LABELS);
  const durations = h.s.signals.distribution('span_duration_ms', SPAN_LABELS);
  const write = () => {
    for (let s = 0; s < services; s++) for (let o = 0; o < operations; o++) {
      const labels = [`svc-${s}`, `op-${o}`, 'SPAN_KIND_SERVER', o === 0 ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET', ''];
      calls.series(labels).add(10);
      durations.series(labels).observe(20 + o, 10);
    }
  };
  const times: number[] = [];
  try {
    for (let r = 0; r < rounds + 1; r++) {
      write();
      const t0 = performance.now();
      await h.s.clock.advance(15_000);
      if (r > 0) times.push(performance.now() - t0); // the first round warms up
    }
  } finally {
    await h.svc.shutdown();
  }
  const ms = median(times);
  return { series: services * operations, rules: rules.length, msPerEvaluation: ms, coreShare: ms / 15_000 };
}
