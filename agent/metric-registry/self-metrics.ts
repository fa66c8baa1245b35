// Converts the agent's own SDK metrics (collected from the self-telemetry reader) into families.
import type { Attributes } from '@opentelemetry/api';
import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ExpHistogramState } from './exp-histogram.js';
import { labelStringOf } from './format.js';
import { labelName } from './labels.js';
import type { Family, HistogramSeries, NumberSeries } from './types.js';

/** A metric name: characters Prometheus does not allow become `_`, runs collapsed; a leading digit gets `_`. */
function metricNameOf(name: string): string {
  let s = name.replace(/[^a-zA-Z0-9_:]+/g, '_').replace(/__+/g, '_');
  if (/^[0-9]/.test(s)) s = '_' + s;
  return s;
}

function attrLabels(attrs: Attributes): string {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    m.set(labelName(k), typeof v === 'string' ? v : JSON.stringify(v));
  }
  return labelStringOf(m);
}

/**
 * SDK metrics as families: names sanitised, `_total` added to monotonic sums, no unit suffix
 * and no scope labels (so the documented `outrider_*` names come out as written).
 */
export function selfFamilies(rm: ResourceMetrics): Family[] {
  const out: Family[] = [];
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      let name = metricNameOf(m.descriptor.name);
      const help = m.descriptor.description || m.descriptor.name;
      switch (m.dataPointType) {
        case DataPointType.SUM:
        case DataPointType.GAUGE: {
          const counter = m.dataPointType === DataPointType.SUM && m.isMonotonic;
          if (counter && !name.endsWith('_total')) name += '_total';
          const series: NumberSeries[] = m.dataPoints.map((p) => ({ labels: attrLabels(p.attributes), value: p.value }));
          out.push({ name, help, type: counter ? 'counter' : 'gauge', series });
          break;
        }
        case DataPointType.HISTOGRAM: {
          const series: HistogramSeries[] = m.dataPoints.map((p) => {
            const b = p.value.buckets;
            return { labels: attrLabels(p.attributes), bounds: b.boundaries, counts: b.counts, sum: p.value.sum ?? 0, count: p.value.count };
          });
          out.push({ name, help, type: 'histogram', series });
          break;
        }
        case DataPointType.EXPONENTIAL_HISTOGRAM: {
          const series: HistogramSeries[] = [];
          for (const p of m.dataPoints) {
            const st = new ExpHistogramState(1 << 12);
            if (st.merge({ ...p.value, zeroThreshold: 0, sum: p.value.sum ?? 0 })) series.push({ labels: attrLabels(p.attributes), ...st.toClassic() });
          }
          out.push({ name, help, type: 'histogram', series });
          break;
        }
      }
    }
  }
  return out;
}

/** The agent's own `target_info` line (resource attributes), with no job/instance labels. */
export function selfTargetInfo(rm: ResourceMetrics): Family {
  return { name: 'target_info', help: 'Target metadata', type: 'gauge', series: [{ labels: attrLabels(rm.resource.attributes), value: 1 }] };
}
