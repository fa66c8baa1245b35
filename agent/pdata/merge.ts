// Joining batches into one and splitting one into bounded pieces, for any signal.
import type { LogsData, MetricsData, Signal, SignalData, TracesData } from './model.js';
import { itemCount } from './count.js';

/** One batch holding every resource of the given batches (the inputs are consumed). */
export function mergeBatches<S extends Signal>(signal: S, parts: SignalData[S][]): SignalData[S] {
  if (parts.length === 1) return parts[0]!;
  if (signal === 'traces') return { resourceSpans: (parts as TracesData[]).flatMap((p) => p.resourceSpans) } as SignalData[S];
  if (signal === 'metrics') return { resourceMetrics: (parts as MetricsData[]).flatMap((p) => p.resourceMetrics) } as SignalData[S];
  return { resourceLogs: (parts as LogsData[]).flatMap((p) => p.resourceLogs) } as SignalData[S];
}

/**
 * Splits a batch into pieces of at most `max` items (spans, log records; for metrics whole
 * metrics, so a piece may exceed `max` by one metric's points). Resources and scopes are
 * repeated in each piece that holds some of their items.
 */
export function splitBatch<S extends Signal>(signal: S, data: SignalData[S], max: number): SignalData[S][] {
  if (max <= 0 || itemCount(signal, data) <= max) return [data];
  if (signal === 'traces') {
    return splitNested((data as TracesData).resourceSpans, 'scopeSpans', 'spans', max, (r) => ({ resourceSpans: r })) as SignalData[S][];
  }
  if (signal === 'logs') {
    return splitNested((data as LogsData).resourceLogs, 'scopeLogs', 'logRecords', max, (r) => ({ resourceLogs: r })) as SignalData[S][];
  }
  return splitNested((data as MetricsData).resourceMetrics, 'scopeMetrics', 'metrics', max, (r) => ({ resourceMetrics: r }),
    (m) => (m.data ? m.data.dataPoints.length : 0)) as SignalData[S][];
}

function splitNested<R extends Record<SK, Array<Record<IK, unknown[]>>>, SK extends string, IK extends string, Out>(
  resources: R[], scopeKey: SK, itemKey: IK, max: number, wrap: (r: R[]) => Out, weight: (item: any) => number = () => 1,
): Out[] {
  const out: Out[] = [];
  let current: R[] = [];
  let n = 0;
  for (const res of resources) {
    let resCopy: R | undefined;
    for (const scope of res[scopeKey]) {
      let scopeCopy: Record<IK, unknown[]> | undefined;
      for (const item of scope[itemKey]) {
        if (n >= max) {
          out.push(wrap(current));
          current = [];
          n = 0;
          resCopy = undefined;
          scopeCopy = undefined;
        }
        if (!resCopy) { resCopy = { ...res, [scopeKey]: [] }; current.push(resCopy); }
        if (!scopeCopy) { scopeCopy = { ...scope, [itemKey]: [] }; resCopy[scopeKey].push(scopeCopy as any); }
        scopeCopy[itemKey].push(item);
        n += weight(item);
      }
    }
  }
  if (current.length > 0) out.push(wrap(current));
  return out;
}
