// An in-memory AlertingApi for admin API and console tests: ids, states, 404s (undefined), file
// versus API rules, silences and stats as the real engine's contract (agent/alerting/api.ts) has them.
import { createHash } from 'node:crypto';
import type { AlertingApi, AlertStats, RuleRecord, Silence } from '../../agent/alerting/api.js';
import { SEVERITIES, type AlertRecord, type AlertState, type Severity } from '../../agent/alerting/model.js';
import { errors } from '../../agent/errors.js';

const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'ne'];

function badConfig(lines: string[]): Error {
  return Object.assign(new Error(lines.join('\n')), { code: 'BAD_CONFIG' });
}

/** Validates a rule as `alerting.rules[]` would (the subset the tests rely on). */
function checkRule(raw: unknown): Record<string, unknown> {
  const r = (raw ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof r.name !== 'string' || r.name === '') problems.push('alerting.rules: name is required');
  if (typeof r.metric !== 'string' || r.metric === '') problems.push('alerting.rules: metric is required');
  if (typeof r.threshold !== 'number') problems.push('alerting.rules: threshold must be a number');
  if (r.operator !== undefined && !OPERATORS.includes(String(r.operator))) problems.push(`alerting.rules: operator must be one of ${OPERATORS.join(', ')}, got '${String(r.operator)}'`);
  if (r.severity !== undefined && !SEVERITIES.includes(r.severity as Severity)) problems.push(`alerting.rules: severity must be one of ${SEVERITIES.join(', ')}`);
  if (problems.length) throw badConfig(problems);
  return structuredClone(r);
}

export class FakeAlerting implements AlertingApi {
  private readonly byId = new Map<string, AlertRecord>();
  private readonly ruleList: RuleRecord[] = [];
  private readonly silenceList: Silence[] = [];
  private nextRule = 1;
  private nextSilence = 1;
  /** Every call that changed something, for assertions: [method, by]. */
  readonly calls: Array<[string, string]> = [];

  constructor(private readonly now: () => number = Date.now, fileRules: Array<Record<string, unknown>> = []) {
    for (const r of fileRules) this.ruleList.push({ id: String(r.name), rule: structuredClone(r), source: 'file' });
  }

  /** An alert as a rule would raise it (firing unless `state` says otherwise). */
  raise(input: { name: string; severity?: Severity; labels?: Record<string, string>; annotations?: Record<string, string>; traceIds?: string[]; state?: AlertState; value?: number; source?: string }): AlertRecord {
    const labels = { ...input.labels, alertname: input.name, severity: input.severity ?? 'critical' };
    const id = createHash('sha256').update(JSON.stringify([input.name, Object.entries(labels).sort()])).digest('hex').slice(0, 16);
    const now = this.now();
    const state = input.state ?? 'firing';
    const alert: AlertRecord = {
      id, name: input.name, state, severity: input.severity ?? 'critical', labels, annotations: input.annotations ?? {},
      value: input.value ?? null, source: input.source ?? 'manual', activeAt: now, firedAt: state === 'pending' ? null : now,
      resolvedAt: null, acknowledged: null, traceIds: input.traceIds ?? [],
    };
    this.byId.set(id, alert);
    return structuredClone(alert);
  }

  alerts(filter: { state?: AlertState } = {}): AlertRecord[] {
    return [...this.byId.values()].filter((a) => !filter.state || a.state === filter.state).map((a) => structuredClone(a));
  }

  alert(id: string): AlertRecord | undefined {
    const a = this.byId.get(id);
    return a && structuredClone(a);
  }

  trigger(input: { name: string; severity: Severity; labels?: Record<string, string>; annotations?: Record<string, string> }, by: string): AlertRecord {
    this.calls.push(['trigger', by]);
    return this.raise({ ...input, source: 'manual' });
  }

  acknowledge(id: string, by: string, note = ''): AlertRecord | undefined {
    const a = this.byId.get(id);
    if (!a) return undefined;
    this.calls.push(['acknowledge', by]);
    if (a.state === 'firing') a.state = 'acknowledged';
    a.acknowledged = { by, note, at: this.now() };
    return structuredClone(a);
  }

  resolve(id: string, by: string): AlertRecord | undefined {
    const a = this.byId.get(id);
    if (!a) return undefined;
    this.calls.push(['resolve', by]);
    a.state = 'resolved';
    a.resolvedAt = this.now();
    return structuredClone(a);
  }

  stats(): AlertStats {
    const byState = { pending: 0, firing: 0, acknowledged: 0, resolved: 0 } as Record<AlertState, number>;
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const a of this.byId.values()) { byState[a.state]++; bySeverity[a.severity]++; }
    const acked = [...this.byId.values()].filter((a) => a.acknowledged && a.firedAt !== null);
    const mttaMs = acked.length ? acked.reduce((s, a) => s + (a.acknowledged!.at - a.firedAt!), 0) / acked.length : null;
    return { byState, bySeverity, mttaMs, mttrMs: null, perRule: [] };
  }

  rules(): RuleRecord[] {
    return this.ruleList.map((r) => structuredClone(r));
  }

  addRule(rule: unknown, by: string): RuleRecord {
    const checked = checkRule(rule);
    if (this.ruleList.some((r) => r.rule.name === checked.name && r.source === 'file')) throw errors.conflict(`alert rule '${String(checked.name)}' is defined in the config file`);
    this.calls.push(['addRule', by]);
    const rec: RuleRecord = { id: `api-${this.nextRule++}`, rule: checked, source: 'api' };
    this.ruleList.push(rec);
    return structuredClone(rec);
  }

  updateRule(id: string, rule: unknown, by: string): RuleRecord | undefined {
    const rec = this.ruleList.find((r) => r.id === id);
    if (!rec) return undefined;
    if (rec.source === 'file') throw errors.conflict(`alert rule '${id}' is defined in the config file`);
    rec.rule = checkRule(rule);
    this.calls.push(['updateRule', by]);
    return structuredClone(rec);
  }

  deleteRule(id: string, by: string): boolean {
    const i = this.ruleList.findIndex((r) => r.id === id && r.source === 'api');
    if (i < 0) return false;
    this.ruleList.splice(i, 1);
    this.calls.push(['deleteRule', by]);
    return true;
  }

  silences(): Silence[] {
    return this.silenceList.map((s) => structuredClone(s));
  }

  addSilence(input: Omit<Silence, 'id' | 'startsAt'> & { startsAt?: number }): Silence {
    const s: Silence = { ...structuredClone(input), id: `silence-${this.nextSilence++}`, startsAt: input.startsAt ?? this.now() };
    this.silenceList.push(s);
    return structuredClone(s);
  }

  deleteSilence(id: string): boolean {
    const i = this.silenceList.findIndex((s) => s.id === id);
    if (i < 0) return false;
    this.silenceList.splice(i, 1);
    return true;
  }
}
