// The debug exporter: logs a summary of every batch (basic), one line per item (normal), or every item in full (detailed).
import type { Component, CreateSettings, SignalConsumers } from '../../agent/component.js';
import { consumersFor, once } from '../../agent/component.js';
import { itemCount } from '../../agent/pdata/count.js';
import { toHex } from '../../agent/pdata/hex.js';
import { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from '../../agent/pdata/json.js';
import type { LogsData, MetricsData, Signal, SignalData, TracesData } from '../../agent/pdata/model.js';
import type { DebugConfig } from './config.js';

const toJson = { traces: encodeTracesJson, metrics: encodeMetricsJson, logs: encodeLogsJson } as const;

/** A debug exporter for `signals`, logging through `settings.logger`. */
export function createDebugExporter(settings: CreateSettings, config: DebugConfig, signals: readonly Signal[]): Component & SignalConsumers {
  const log = settings.logger;
  const consumerFor = <S extends Signal>(signal: S) => ({
    mutates: false,
    async consume(data: SignalData[S]) {
      log.info({ signal, items: itemCount(signal, data) }, `${signal} batch`);
      if (config.verbosity === 'normal') for (const line of linesOf(signal, data)) log.info(line);
      if (config.verbosity === 'detailed') log.info({ data: (toJson[signal] as (d: SignalData[S]) => unknown)(data) }, `${signal} detail`);
    },
  });
return { ...consumersFor(signals, consumerFor), start: async () => {}, shutdown: once(async () => {}) };
}

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
