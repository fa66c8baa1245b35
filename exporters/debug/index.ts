// debug exporter: logs a summary of every batch (basic), one line per item (normal), or every item in full (detailed).
import { z } from 'zod';
import type { ExporterFactory, SignalConsumers } from '../../agent/component.js';
import { configFromSchema, once } from '../../agent/component.js';
import { itemCount } from '../../agent/pdata/count.js';
import { toHex } from '../../agent/pdata/hex.js';
import { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from '../../agent/pdata/json.js';
import type { LogsData, MetricsData, Signal, SignalData, TracesData } from '../../agent/pdata/model.js';

export const debugConfigSchema = z.strictObject({
  /** basic: one line per batch; normal: one line per span/metric/log; detailed: each item as OTLP JSON. */
  verbosity: z.enum(['basic', 'normal', 'detailed']).default('basic'),
});
export type DebugConfig = z.output<typeof debugConfigSchema>;

const toJson = { traces: encodeTracesJson, metrics: encodeMetricsJson, logs: encodeLogsJson } as const;

export const debugFactory: ExporterFactory<DebugConfig> = {
  kind: 'exporter',
  type: 'debug',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('debug', debugConfigSchema),
  create(settings, config, signals) {
    const log = settings.logger;
    const consumerFor = <S extends Signal>(signal: S) => ({
      mutates: false,
      async consume(data: SignalData[S]) {
        log.info({ signal, items: itemCount(signal, data) }, `${signal} batch`);
        if (config.verbosity === 'normal') for (const line of linesOf(signal, data)) log.info(line);
        if (config.verbosity === 'detailed') log.info({ data: (toJson[signal] as (d: SignalData[S]) => unknown)(data) }, `${signal} detail`);
      },
    });
    const consumers: SignalConsumers = {};
    for (const s of signals) (consumers as Record<Signal, unknown>)[s] = consumerFor(s);
    return { ...consumers, start: async () => {}, shutdown: once(async () => {}) };
  },
};

/** One short line per span, metric or log record. */
function linesOf(signal: Signal, data: SignalData[Signal]): string[] {
  const lines: string[] = [];
  if (signal === 'traces') {
    for (const rs of (data as TracesData).resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
      const ms = Number(s.endTimeUnixNano - s.startTimeUnixNano) / 1e6;
      lines.push(`span ${s.name} trace=${toHex(s.traceId)} span=${toHex(s.spanId)} kind=${s.kind} status=${s.status.code} ${ms.toFixed(3)}ms`);
    }
  } else if (signal === 'metrics') {
    for (const rm of (data as MetricsData).resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) {
      lines.push(`metric ${m.name} type=${m.data?.type ?? 'none'} points=${m.data?.dataPoints.length ?? 0} unit=${m.unit}`);
    }
  } else {
    for (const rl of (data as LogsData).resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) {
      lines.push(`log severity=${r.severityNumber} ${typeof r.body === 'string' ? r.body.slice(0, 200) : JSON.stringify(r.body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))?.slice(0, 200)}`);
    }
  }
  return lines;
}
