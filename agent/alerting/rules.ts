// Rules as the engine runs them: file rules (read-only through the API) and API rules (validated
// with the same schema, stored in SQLite, applied at the next evaluation).
import { randomUUID } from 'node:crypto';
import { formatProblem, problemsOf } from '../component.js';
import { errors } from '../errors.js';
import { configParseOptions } from '../../config/error-map.js';
import type { AlertStore } from './alert-store.js';
import type { RuleRecord } from './api.js';
import type { LiveRule } from './alerts.js';
import { ruleSchema, type RuleConfig } from './config.js';

/** A rule's settings for the lifecycle. */
export function liveRule(id: string, r: RuleConfig): LiveRule {
  return {
    id, name: r.name, operator: r.operator, threshold: r.threshold, forMs: r.for, keepFiringForMs: r.keep_firing_for,
    severity: r.severity, matchLabels: r.labels, addLabels: r.add_labels, annotations: r.annotations, noData: r.no_data, windowMs: r.window,
  };
}

/** `300000` → `5m`: the largest unit that divides the duration. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A parsed rule back in the config dialect (durations with units). */
export function toDialect(r: RuleConfig): Record<string, unknown> {
  return { ...r, window: formatDuration(r.window), for: formatDuration(r.for), keep_firing_for: formatDuration(r.keep_firing_for) };
}

function parseRule(raw: unknown): RuleConfig {
  const r = ruleSchema.safeParse(raw ?? {}, configParseOptions);
  if (r.success) return r.data;
  throw Object.assign(errors.badConfig(problemsOf(r.error, 'alerting.rules').map(formatProblem).join('\n')), { problems: problemsOf(r.error) });
}

/** The file's rules and the API's, by id. */
export class RuleSet {
  private readonly file: Map<string, RuleConfig>;
  private api = new Map<string, { cfg: RuleConfig; raw: Record<string, unknown> }>();

  constructor(fileRules: readonly RuleConfig[], private readonly store: AlertStore, private readonly now: () => number) {
    this.file = new Map(fileRules.map((r) => [r.name, r]));
    for (const { id, rule } of store.rules()) {
      const r = ruleSchema.safeParse(rule, configParseOptions);
      if (r.success) this.api.set(id, { cfg: r.data, raw: rule });
    }
  }

  /** Every rule to evaluate: [id, config], file rules first. */
  all(): Array<[string, RuleConfig]> {
    return [...this.file.entries(), ...[...this.api.entries()].map(([id, r]) => [id, r.cfg] as [string, RuleConfig])];
  }

  list(): RuleRecord[] {
    return [
      ...[...this.file.entries()].map(([id, r]) => ({ id, rule: toDialect(r), source: 'file' as const })),
      ...[...this.api.entries()].map(([id, r]) => ({ id, rule: r.raw, source: 'api' as const })),
    ];
  }

  private checkName(name: string, except?: string): void {
    const taken = this.file.has(name) || [...this.api.entries()].some(([id, r]) => id !== except && r.cfg.name === name);
    if (taken) throw errors.badConfig(`alerting.rules: a rule named '${name}' exists already`);
  }

  private refuseFile(id: string): void {
    if (this.file.has(id)) throw errors.badConfig(`alerting.rules: rule '${id}' comes from the config file and cannot be changed through the API`);
  }

  add(raw: unknown, by: string): RuleRecord {
    const cfg = parseRule(raw);
    this.checkName(cfg.name);
    const rec: RuleRecord = { id: `api-${randomUUID().slice(0, 8)}`, rule: raw as Record<string, unknown>, source: 'api' };
    this.store.putRule(rec, by, this.now());
    this.api.set(rec.id, { cfg, raw: rec.rule });
    return rec;
  }

  update(id: string, raw: unknown, by: string): RuleRecord | undefined {
    this.refuseFile(id);
    if (!this.api.has(id)) return undefined;
    const cfg = parseRule(raw);
    this.checkName(cfg.name, id);
    const rec: RuleRecord = { id, rule: raw as Record<string, unknown>, source: 'api' };
    this.store.putRule(rec, by, this.now());
    this.api.set(id, { cfg, raw: rec.rule });
    return rec;
  }

  delete(id: string): boolean {
    this.refuseFile(id);
    this.api.delete(id);
    return this.store.deleteRule(id);
  }
}
