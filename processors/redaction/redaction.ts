// The redaction processor: deletes, masks or hashes attributes before anything downstream (spanmetrics
// labels, exporters, logs) sees them. Traces: resource, scope, span, event and link attributes, plus
// findings in span names, status messages and event names. Metrics: resource, scope, data point and
// exemplar attributes. Logs: resource, scope and record attributes and the body. Mutates in place.
import type { Counter } from '@opentelemetry/api';
import type { Component, Consumer, CreateSettings, Signal, SignalData } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import type { LogsData, MetricsData, Resource, Scope, TracesData } from '../../agent/pdata/model.js';
import { forgetRaw } from '../../agent/pdata/span-edit.js';
import { AttributeRedactor } from './attributes.js';
import type { RedactionConfig } from './config.js';
import { MASK_KINDS, Masker, Tally } from './masker.js';

/** Help texts of the processor's counters (`…_total` on /metrics). */
export const MASKED_HELP = 'Findings masked or hashed by the redaction processor, by kind (a detector, blocked_value, blocked_key, sensitive_key).';
export const REMOVED_HELP = 'Attributes deleted by the redaction processor because their key is not in allowed_keys.';

/** Redacts one signal's batches in place and passes them on. */
export class RedactionProcessor<S extends Signal> implements Component, Consumer<SignalData[S]> {
  readonly mutates = true;
  private readonly masker: Masker;
  private readonly attrs: AttributeRedactor;
  private readonly maskedCounter: Counter;
  private readonly removedCounter: Counter;
  private readonly labels: Array<Record<string, string>>;
  private readonly processorLabel: Record<string, string>;

  constructor(settings: CreateSettings, cfg: RedactionConfig, private readonly signal: S, private readonly next: Consumer<SignalData[S]>) {
    this.masker = new Masker(cfg);
    this.attrs = new AttributeRedactor(cfg, this.masker);
    this.maskedCounter = settings.meter.createCounter('outrider_redaction_masked', { description: MASKED_HELP });
    this.removedCounter = settings.meter.createCounter('outrider_redaction_removed_attributes', { description: REMOVED_HELP });
    this.processorLabel = { processor: settings.id };
    this.labels = MASK_KINDS.map((kind) => ({ processor: settings.id, kind }));
  }

  async start(): Promise<void> {}

  async consume(data: SignalData[S]): Promise<void> {
    const tally = new Tally();
    if (this.signal === 'traces') this.traces(data as TracesData, tally);
    else if (this.signal === 'metrics') this.metrics(data as MetricsData, tally);
    else this.logs(data as LogsData, tally);
    this.count(tally);
    await this.next.consume(data);
  }

  /** Redacts a batch of traces in place; returns what it masked and removed. */
  traces(td: TracesData, tally = new Tally()): Tally {
    for (const rs of td.resourceSpans) {
      this.resource(rs.resource, tally);
      for (const ss of rs.scopeSpans) {
        this.scope(ss.scope, tally);
        for (const span of ss.spans) {
          // properties are written only when something changed; a changed span is encoded anew
          const changes = tally.changes;
          let changed = false;
          if (span.attributes.length) { const a = this.attrs.redact(span.attributes, tally); if (a !== span.attributes) { span.attributes = a; changed = true; } }
          const name = this.text(span.name, tally);
          if (name !== span.name) span.name = name;
          if (span.status.message) span.status.message = this.text(span.status.message, tally);
          for (const ev of span.events) {
            if (ev.attributes.length) { const a = this.attrs.redact(ev.attributes, tally, 2); if (a !== ev.attributes) { ev.attributes = a; changed = true; } }
            const evName = this.text(ev.name, tally);
            if (evName !== ev.name) ev.name = evName;
          }
          for (const link of span.links) {
            if (!link.attributes.length) continue;
            const a = this.attrs.redact(link.attributes, tally, 2);
            if (a !== link.attributes) { link.attributes = a; changed = true; }
          }
          if (changed || tally.changes !== changes) forgetRaw(span);
        }
      }
    }
    return tally;
  }

  /** Redacts a batch of metrics in place; returns what it masked and removed. */
  metrics(md: MetricsData, tally = new Tally()): Tally {
    for (const rm of md.resourceMetrics) {
      this.resource(rm.resource, tally);
      for (const sm of rm.scopeMetrics) {
        this.scope(sm.scope, tally);
        for (const m of sm.metrics) {
          for (const dp of m.data?.dataPoints ?? []) {
            if (dp.attributes.length) dp.attributes = this.attrs.redact(dp.attributes, tally);
            if ('exemplars' in dp) for (const ex of dp.exemplars) if (ex.filteredAttributes.length) ex.filteredAttributes = this.attrs.redact(ex.filteredAttributes, tally, 2);
          }
        }
      }
    }
    return tally;
  }

  /** Redacts a batch of logs in place (the body as if it were an attribute named `body`); returns what it masked and removed. */
  logs(ld: LogsData, tally = new Tally()): Tally {
    for (const rl of ld.resourceLogs) {
      this.resource(rl.resource, tally);
      for (const sl of rl.scopeLogs) {
        this.scope(sl.scope, tally);
        for (const rec of sl.logRecords) {
          if (rec.attributes.length) rec.attributes = this.attrs.redact(rec.attributes, tally);
          if (rec.body !== null && rec.body !== '') rec.body = this.attrs.redactValue(rec.body, tally);
        }
      }
    }
    return tally;
  }

  private resource(r: Resource | null, tally: Tally): void {
    if (r && r.attributes.length) r.attributes = this.attrs.redact(r.attributes, tally, 1);
  }

  private scope(s: Scope | null, tally: Tally): void {
    if (s && s.attributes.length) s.attributes = this.attrs.redact(s.attributes, tally, 1);
  }

  /** A name or message with its findings masked (no key rules apply: it has no key). */
  private text(s: string, tally: Tally): string {
    return s.length < this.masker.minLength ? s : this.attrs.maskText(s, tally) ?? s;
  }

  private count(tally: Tally): void {
    for (let i = 0; i < MASK_KINDS.length; i++) if (tally.masked[i]) this.maskedCounter.add(tally.masked[i]!, this.labels[i]);
    if (tally.removed) this.removedCounter.add(tally.removed, this.processorLabel);
  }

  readonly shutdown = once(async () => {});
}
