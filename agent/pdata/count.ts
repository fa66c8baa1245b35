// Item counts of a batch: spans, metric data points, log records.
import type { LogsData, MetricsData, Signal, SignalData, TracesData } from './model.js';

export function spanCount(td: TracesData): number {
  let n = 0;
  for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}

export function pointCount(md: MetricsData): number {
  let n = 0;
  for (const rm of md.resourceMetrics) {
    for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.data ? m.data.dataPoints.length : 0;
  }
  return n;
}

export function logCount(ld: LogsData): number {
  let n = 0;
  for (const rl of ld.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  return n;
}

/** Items in a batch of any signal: spans, points or log records. */
export function itemCount<S extends Signal>(signal: S, data: SignalData[S]): number {
  if (signal === 'traces') return spanCount(data as TracesData);
  if (signal === 'metrics') return pointCount(data as MetricsData);
  return logCount(data as LogsData);
}

/** The word for a signal's items in metric names: spans, metric_points, log_records. */
export function itemUnit(signal: Signal): string {
  return signal === 'traces' ? 'spans' : signal === 'metrics' ? 'metric_points' : 'log_records';
}
