// The alert lifecycle: a rule's samples move its alerts pending → firing (after `for`) → resolved
// (after `keep_firing_for`); acknowledgements and manual triggers and resolves. Active alerts are
// held in memory and every change is written to SQLite (the caller batches one transaction).
import type { Logger } from 'pino';
import type { AlertStore, StoredAlert } from './alert-store.js';
import { fingerprint } from './labels.js';
import { holds, type Sample } from './metrics.js';
import type { AlertRecord, Severity } from './model.js';
import { renderAll } from './template.js';

/** A rule ready to evaluate: its settings and where its samples and trace ids come from. */
export interface LiveRule {
  /** The rule id (`source` of its alerts): the rule name for file rules, a generated id for API rules, `slo`. */
  id: string;
  name: string;
  operator: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'ne';
  threshold: number;
  forMs: number;
  keepFiringForMs: number;
  severity: Severity | ((labels: Record<string, string>) => Severity);
  /** Equality matchers: the labels of a `no_data: alerting` alert. */
  matchLabels: Record<string, string>;
  addLabels: Record<string, string>;
  annotations: Record<string, string>;
  noData: 'ok' | 'alerting' | 'keep_last';
  /** The rule's window (ms): right after a start its no-data counts as keep_last, the signals ring being empty. */
  windowMs: number;
}

/** The in-memory view of active alerts, kept in step with the store. */
export class AlertBook {
  private readonly active = new Map<string, StoredAlert>();

  constructor(private readonly store: AlertStore, private readonly logger: Logger) {}

  /** Loads pending, firing and acknowledged alerts from the store (after a restart). */
  restore(): void {
    for (const a of this.store.active()) this.active.set(a.record.id, a);
  }

  /** Active alerts (pending included), oldest first. */
  list(): AlertRecord[] {
    return [...this.active.values()].map((a) => a.record);
  }

  /** Firing and acknowledged alerts. */
  firing(): AlertRecord[] {
    return this.list().filter((a) => a.state === 'firing' || a.state === 'acknowledged');
  }

  get(id: string): AlertRecord | undefined {
    return this.active.get(id)?.record ?? this.store.latest(id)?.record;
  }

  /**
   * Applies one evaluation of a rule; returns the alerts that started firing or resolved.
   * `traceIds` is asked for an alert's example traces when it starts firing (and while it has none).
   */
  apply(rule: LiveRule, samples: Sample[] | undefined, now: number, traceIds: (labels: Record<string, string>) => string[], inGrace: boolean): AlertRecord[] {
    const changed: AlertRecord[] = [];
    let holding: Array<{ labels: Record<string, string>; value: number | null }>;
    if (samples === undefined || samples.length === 0) {
      if (rule.noData === 'keep_last' || inGrace) {
        for (const a of this.active.values()) if (a.record.source === rule.id) { a.lastTrueAt = now; this.store.update(a); }
        return changed;
      }
      holding = rule.noData === 'alerting' ? [{ labels: { ...rule.matchLabels }, value: null }] : [];
    } else {
      holding = samples.filter((s) => holds(rule.operator, s.value, rule.threshold));
    }
    const seen = new Set<string>();
    for (const h of holding) {
      const severity = typeof rule.severity === 'function' ? rule.severity(h.labels) : rule.severity;
      const base = { ...h.labels, alertname: rule.name, severity };
      const labels = { ...base, ...renderAll(rule.addLabels, { labels: base, value: h.value }) };
      const id = fingerprint(rule.name, labels);
      seen.add(id);
      const annotations = renderAll(rule.annotations, { labels, value: h.value });
      const a = this.active.get(id);
      if (a) {
        Object.assign(a.record, { value: h.value, annotations });
        a.lastTrueAt = now;
        if (a.record.state === 'pending' && now - a.record.activeAt >= rule.forMs) this.fire(a, now, traceIds, changed);
        else if (a.record.state !== 'pending' && a.record.traceIds.length === 0) a.record.traceIds = traceIds(labels);
        this.store.update(a);
        continue;
      }
      const record: AlertRecord = {
        id, name: rule.name, state: 'pending', severity, labels, annotations, value: h.value, source: rule.id,
        activeAt: now, firedAt: null, resolvedAt: null, acknowledged: null, traceIds: [],
      };
      const fresh: StoredAlert = { incident: 0, record, lastTrueAt: now };
      if (rule.forMs <= 0) { record.state = 'firing'; record.firedAt = now; record.traceIds = traceIds(labels); changed.push(record); }
      fresh.incident = this.store.insert(record, now);
      this.active.set(id, fresh);
    }
    for (const a of [...this.active.values()]) {
      if (a.record.source !== rule.id || seen.has(a.record.id)) continue;
      if (a.record.state === 'pending') { this.active.delete(a.record.id); this.store.remove(a.incident); continue; }
      if (now - a.lastTrueAt >= rule.keepFiringForMs) changed.push(this.close(a, now));
    }
    return changed;
  }

  private fire(a: StoredAlert, now: number, traceIds: (labels: Record<string, string>) => string[], changed: AlertRecord[]): void {
    a.record.state = 'firing';
    a.record.firedAt = now;
    a.record.traceIds = traceIds(a.record.labels);
    changed.push(a.record);
  }

  private close(a: StoredAlert, now: number): AlertRecord {
    a.record.state = 'resolved';
    a.record.resolvedAt = now;
    this.active.delete(a.record.id);
    this.store.update(a);
    return a.record;
  }

  /** Alerts of rules that no longer exist (deleted through the API): resolved now. */
  dropRules(live: ReadonlySet<string>, now: number): AlertRecord[] {
    const out: AlertRecord[] = [];
    for (const a of [...this.active.values()]) {
      if (a.record.source === 'manual' || live.has(a.record.source)) continue;
      if (a.record.state === 'pending') { this.active.delete(a.record.id); this.store.remove(a.incident); } else out.push(this.close(a, now));
    }
    return out;
  }

  /** A manual alert, firing at once; an active alert of the same name and labels is returned as it is. */
  trigger(input: { name: string; severity: Severity; labels?: Record<string, string>; annotations?: Record<string, string> }, by: string, now: number): { record: AlertRecord; fresh: boolean } {
    const labels = { ...(input.labels ?? {}), alertname: input.name, severity: input.severity };
    const id = fingerprint(input.name, labels);
    const found = this.active.get(id);
    if (found) return { record: found.record, fresh: false };
    const record: AlertRecord = {
      id, name: input.name, state: 'firing', severity: input.severity, labels, annotations: { ...(input.annotations ?? {}) },
      value: null, source: 'manual', activeAt: now, firedAt: now, resolvedAt: null, acknowledged: null, traceIds: [],
    };
    const incident = this.store.insert(record, now);
    this.active.set(id, { incident, record, lastTrueAt: now });
    this.logger.info({ alert: id, name: input.name, by }, 'alert triggered by hand');
    return { record, fresh: true };
  }

  /** Marks a firing alert acknowledged; undefined when it is not firing. */
  acknowledge(id: string, by: string, note: string, now: number): AlertRecord | undefined {
    const a = this.active.get(id);
    if (!a || a.record.state === 'pending') return undefined;
    a.record.state = 'acknowledged';
    a.record.acknowledged = { by, note, at: now };
    this.store.update(a);
    return a.record;
  }

  /** Resolves an active alert by hand (a rule whose condition still holds opens a new one at its next evaluation). */
  resolve(id: string, now: number): AlertRecord | undefined {
    const a = this.active.get(id);
    if (!a) return undefined;
    if (a.record.state === 'pending') { this.active.delete(id); this.store.remove(a.incident); a.record.state = 'resolved'; a.record.resolvedAt = now; return a.record; }
    return this.close(a, now);
  }
}
