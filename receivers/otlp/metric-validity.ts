// Metric points the OTLP spec calls invalid (histogram bounds out of order or not finite, bucket
// counts not matching bounds or count, sums and histograms of unknown temporality): taken out of
// the batch and reported to the sender as a partial success.
import type { MetricsData } from '../../agent/pdata/model.js';
import { pointProblem, temporalityProblem } from '../../agent/pdata/point-problems.js';

/** Distinct problems named in the message; the rest are only counted. */
const MAX_NAMED = 3;
/** Longest metric name quoted in the message (characters). */
const MAX_NAME = 200;

/** Points refused and the partial-success message naming the metrics and problems. */
export interface InvalidPoints { rejected: number; message: string }

/**
 * Removes invalid points in place (the receiver owns the batch), and metrics left without points
 * by it; returns how many points it removed and a message such as
 * `2 metric data point(s) rejected: 'http.latency': explicit_bounds must increase strictly, got 5 then 1; …`.
 */
export function dropInvalidMetricPoints(md: MetricsData): InvalidPoints {
  let rejected = 0;
  const problems = new Map<string, number>(); // "'metric': problem" → points
  const note = (metric: string, problem: string, points: number): void => {
    rejected += points;
    const key = `'${metric.length > MAX_NAME ? metric.slice(0, MAX_NAME) + '…' : metric}': ${problem}`;
    problems.set(key, (problems.get(key) ?? 0) + points);
  };
  for (const rm of md.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      const emptied = new Set<unknown>();
      for (const m of sm.metrics) {
        const d = m.data;
        if (!d || d.dataPoints.length === 0) continue;
        const t = temporalityProblem(d);
        if (t !== undefined) {
          note(m.name, t, d.dataPoints.length);
          emptied.add(m);
          continue;
        }
        let bad: boolean[] | undefined;
        for (let i = 0; i < d.dataPoints.length; i++) {
          const problem = pointProblem(d, i);
          if (problem === undefined) continue;
          note(m.name, problem, 1);
          (bad ??= new Array<boolean>(d.dataPoints.length).fill(false))[i] = true;
        }
        if (!bad) continue;
        (d as { dataPoints: unknown[] }).dataPoints = (d.dataPoints as unknown[]).filter((_, i) => !bad![i]);
        if (d.dataPoints.length === 0) emptied.add(m);
      }
      if (emptied.size) sm.metrics = sm.metrics.filter((m) => !emptied.has(m));
    }
  }
  if (rejected === 0) return { rejected: 0, message: '' };
  const named = [...problems].slice(0, MAX_NAMED).map(([k, n]) => (n > 1 ? `${k} (${n} points)` : k));
  const more = problems.size > MAX_NAMED ? `; and ${problems.size - MAX_NAMED} more` : '';
  return { rejected, message: `${rejected} metric data point(s) rejected: ${named.join('; ')}${more}` };
}
