// The SLO burn-rate tiers as alerts: the slo processor publishes the gauge
// `slo_alert{slo,service,severity,long_window,short_window}` — the long window's burn rate while a
// tier fires, 0 otherwise — and each firing tier becomes an alert `SLOBurnRate`.
import type { AlertingConfig } from './config.js';
import type { LiveRule } from './alerts.js';
import type { Sample } from './metrics.js';
import type { Signals } from '../signals/signals.js';
import type { SloApi } from '../../processors/slo/api.js';

/** The source (and rule id) of SLO alerts. */
export const SLO_SOURCE = 'slo';

/** The built-in rule: fires at once while the tier's gauge is above 0. */
export function sloRule(c: AlertingConfig['slo_alerts']): LiveRule {
  return {
    id: SLO_SOURCE, name: 'SLOBurnRate', operator: 'gt', threshold: 0, forMs: 0, keepFiringForMs: c.keep_firing_for,
    severity: (labels) => (labels.tier === 'page' ? c.page_severity : c.ticket_severity),
    matchLabels: {}, addLabels: {},
    annotations: {
      summary: 'SLO {{ $labels.slo }} of {{ $labels.service }} burns its error budget {{ $value | printf "%.1f" }}x too fast',
      description: 'Burn rate over {{ $labels.long_window }} (and {{ $labels.short_window }}) is over the {{ $labels.tier }} tier\'s factor.',
      burn_rate: '{{ $value | printf "%.2f" }}',
    },
    noData: 'ok', windowMs: 60_000,
  };
}

/** The tiers' samples: labels slo, service, tier (page|ticket), long_window, short_window. */
export function sloSamples(signals: Signals, lookbackMs: number): Sample[] {
  const out: Sample[] = [];
  for (const v of signals.select('slo_alert')) {
    const x = v.last(lookbackMs);
    if (x === undefined) continue;
    const { slo = '', service = '', severity = '', long_window = '', short_window = '' } = v.labels;
    out.push({ labels: { slo, service, tier: severity, long_window, short_window }, value: x });
  }
  return out;
}

/** An SLO alert's example traces: the SLO's most recent bad events (newest last). */
export function sloTraceIds(slo: SloApi | undefined, labels: Record<string, string>, max: number): string[] {
  if (!slo || !labels.slo || max === 0) return [];
  return slo.badTraceIds(labels.slo).slice(-max).reverse();
}
