// The alerting service's API (`host.service(ALERTING)`): what the admin API and the console read and change.
import { serviceKey } from '../service.js';
import type { AlertRecord, AlertState, Severity } from './model.js';

/** A rule as stored: the config shape of `alerting.rules[]` plus where it came from. */
export interface RuleRecord {
  /** The rule's name for file rules; a generated id for API rules. */
  id: string;
  /** The rule as in the config dialect (`name`, `metric`, `labels`, `window`, `operator`, `threshold`, `for`, …). */
  rule: Record<string, unknown>;
  source: 'file' | 'api';
}

/** A silence: alerts whose labels match every matcher are not notified until `endsAt`. */
export interface Silence {
  id: string;
  /** `{name, value, isRegex, isEqual}` as Alertmanager's API has them. */
  matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual: boolean }>;
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

/** Counts and times as the admin API returns them. */
export interface AlertStats {
  byState: Record<AlertState, number>;
  bySeverity: Record<Severity, number>;
  /** Mean time to acknowledge / resolve (ms) over the history kept; null without data. */
  mttaMs: number | null;
  mttrMs: number | null;
  perRule: Array<{ rule: string; fired: number; resolved: number; mttaMs: number | null; mttrMs: number | null }>;
}

export interface AlertingApi {
  alerts(filter?: { state?: AlertState }): AlertRecord[];
  alert(id: string): AlertRecord | undefined;
  /** A manual alert: fires at once and is routed like any other. */
  trigger(input: { name: string; severity: Severity; labels?: Record<string, string>; annotations?: Record<string, string> }, by: string): AlertRecord;
  acknowledge(id: string, by: string, note?: string): AlertRecord | undefined;
  resolve(id: string, by: string): AlertRecord | undefined;
  stats(): AlertStats;

  rules(): RuleRecord[];
  /** Validates like the file (throws BAD_CONFIG with the problems); applied at the next evaluation; stored in SQLite. */
  addRule(rule: unknown, by: string): RuleRecord;
  updateRule(id: string, rule: unknown, by: string): RuleRecord | undefined;
  deleteRule(id: string, by: string): boolean;

  silences(): Silence[];
  addSilence(input: Omit<Silence, 'id' | 'startsAt'> & { startsAt?: number }): Silence;
  deleteSilence(id: string): boolean;
}

export const ALERTING = serviceKey<AlertingApi>('alerting');
