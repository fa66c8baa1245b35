// The notifier contract: a notifier formats one Notification for its service and sends it once; the
// notifier service (outbox, retries, rate limits, dead letters) decides when and how often.
import type { Logger } from 'pino';
import type { FactoryConfig } from '../component.js';
import type { Clock } from '../clock.js';
import type { Notification } from '../alerting/model.js';
import { serviceKey } from '../service.js';

/** How one send attempt ended; the notifier never throws for what the peer answered. */
export type SendResult =
  /** Accepted by the peer (2xx). `detail` may carry the peer's id (e.g. a PagerDuty dedup_key). */
  | { outcome: 'sent'; detail?: string }
  /** Worth trying again: 5xx, 429, timeouts, network errors. `retryAfterMs` from `Retry-After`. */
  | { outcome: 'retry'; detail: string; retryAfterMs?: number }
  /** The peer refused the payload (4xx other than 408/429): never retried; `detail` is its answer. */
  | { outcome: 'rejected'; detail: string };

/** What a notifier gets at creation. */
export interface NotifierSettings {
  /** `type/name`, e.g. `slack/oncall`. */
  id: string;
  logger: Logger;
  clock: Clock;
}

/** One configured notifier instance. */
export interface Notifier {
  readonly id: string;
  /** Least time between two sends to this notifier (Slack webhooks: 1000 ms); 0 for none. */
  readonly minIntervalMs: number;
  /**
   * Re-send firing alerts at least this often while they fire (Alertmanager expires alerts whose
   * `endsAt` passes); undefined when the service needs no refresh.
   */
  readonly refreshIntervalMs?: number;
  /** Whether the peer understands `acknowledge` (PagerDuty, Opsgenie); others skip those notifications. */
  readonly acknowledges: boolean;
  /** Formats and sends one notification; aborted by `signal` at shutdown or timeout. */
  send(n: Notification, signal: AbortSignal): Promise<SendResult>;
  /** Releases connections (SMTP pools). Idempotent. */
  close(): Promise<void>;
}

/** A notifier type (`slack`, `pagerduty`, …): its config schema and its secret keys. */
export interface NotifierFactory<C = any> extends FactoryConfig<C> {
  readonly kind: 'notifier';
  readonly type: string;
  /** Dotted config keys whose values are secrets (redacted in logs, the API, the audit log, the UI). */
  readonly secrets: readonly string[];
  create(settings: NotifierSettings, config: C): Notifier;
}

/** A notifier as listed by the API: config with secrets redacted, where it came from. */
export interface ChannelRecord {
  /** `type/name`. */
  id: string;
  type: string;
  /** The config with every secret replaced by `<redacted>`. */
  config: Record<string, unknown>;
  source: 'file' | 'api';
}

/** Counts of the outbox by state, per notifier. */
export interface OutboxStats { notifier: string; pending: number; sent: number; rejected: number; dead: number }

/** The `notifiers` service's API (`host.service(NOTIFIERS)`): the channels and their outbox. */
export interface NotifierService {
  /** Queues a notification durably (SQLite) before returning; delivery happens in the background. */
  enqueue(n: Omit<Notification, 'id' | 'createdAt'>): Notification;
  /** Whether a notifier of that id is configured. */
  has(id: string): boolean;
  /** Whether that notifier understands `acknowledge`. */
  acknowledges(id: string): boolean;
  channels(): ChannelRecord[];
  /** Adds or replaces an API-defined channel after validating it; file channels cannot be replaced. */
  putChannel(id: string, config: unknown): ChannelRecord;
  deleteChannel(id: string): boolean;
  /** Sends a test notification now, bypassing the outbox. */
  test(id: string): Promise<SendResult>;
  stats(): OutboxStats[];
}

export const NOTIFIERS = serviceKey<NotifierService>('notifiers');

/** Replaces the values at `secrets` (dotted keys) with `<redacted>` in a deep copy of `config`. */
export function redactSecrets(config: unknown, secrets: readonly string[]): Record<string, unknown> {
  const copy = structuredClone((config ?? {}) as Record<string, unknown>);
  for (const path of secrets) {
    const keys = path.split('.');
    let node: unknown = copy;
    for (const k of keys.slice(0, -1)) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
    const last = keys[keys.length - 1]!;
    if (node && typeof node === 'object' && (node as Record<string, unknown>)[last] !== undefined) (node as Record<string, unknown>)[last] = '<redacted>';
  }
  return copy;
}
