// The `notifiers` service (section `notifiers`): the configured and API-defined channels, the
// durable outbox in SQLite and its delivery loop, under the key NOTIFIERS.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { Host, CreateSettings } from '../component.js';
import { once } from '../component.js';
import { errors } from '../errors.js';
import { defineService, type Service, type ServiceFactory } from '../service.js';
import { STORE } from '../services/store-service.js';
import type { Store } from '../store/store.js';
import type { Notification } from '../alerting/model.js';
import { NOTIFIERS, redactSecrets, type ChannelRecord, type NotifierFactory, type NotifierService, type OutboxStats, type SendResult } from './api.js';
import { notifiersSchema, parseChannel, type ChannelDecl, type NotifiersConfig } from './config.js';
import { Delivery, scrub, sendWithDeadline } from './delivery.js';
import { Outbox, type OutboxRow, type OutboxState } from './outbox.js';
import { builtinNotifiers } from './registry.js';
import { sampleNotification } from './sample.js';

/** Finished rows (sent, rejected, dead) are kept this long, then pruned. */
export const OUTBOX_RETENTION_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/** Options for tests: the jitter source. */
export interface NotifierServiceOptions { random?: () => number }

/** The string values at `secrets` (dotted keys) of a config, to scrub from answers and logs. */
function secretValuesOf(config: unknown, secrets: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of secrets) {
    let v: unknown = config;
    for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    if (typeof v === 'string' && v) out.push(v);
  }
  return out;
}

/** The running service: channels, outbox, delivery. */
export class NotifierHub implements NotifierService {
  private file: NotifiersConfig;
  private readonly api = new Map<string, ChannelDecl>();
  private outboxHandle: Outbox | undefined;
  private store: Store | undefined;
  private delivery: Delivery | undefined;
  private pruneTimer: { cancel(): void } | undefined;

  constructor(
    private readonly settings: CreateSettings,
    config: NotifiersConfig,
    private readonly factories: readonly NotifierFactory[],
    private readonly opts: NotifierServiceOptions = {},
  ) {
    this.file = config;
  }

  async start(host: Host): Promise<void> {
    this.store = host.service(STORE);
    const counter = this.settings.meter.createCounter('outrider_notifications', {
      description: 'Notification attempts by notifier and outcome (sent, retried, rejected, dead).',
    });
    // the database is opened when there is something to deliver or a file that may hold API channels
    const needStore = Object.keys(this.file).length > 0 || this.store.path === ':memory:' || existsSync(this.store.path);
    this.delivery = new Delivery({ outbox: () => this.outboxHandle, clock: this.settings.clock, logger: this.settings.logger, counter, random: this.opts.random });
    if (needStore) this.open();
    for (const d of Object.values(this.file)) this.addLane(d);
    if (this.outboxHandle) {
      for (const c of this.outboxHandle.storedChannels()) {
        if (this.file[c.id]) { this.settings.logger.warn({ notifier: c.id }, 'an API channel has the id of a channel in the config file; the file wins'); continue; }
        const { decl, problems } = parseChannel(c.id, c.config, this.factories);
        if (!decl) { this.settings.logger.error({ notifier: c.id, problems }, 'a stored API channel no longer validates; not started'); continue; }
        this.api.set(c.id, decl);
        this.addLane(decl);
      }
      this.warnOrphans();
    }
    this.delivery.start();
    this.pruneTimer = this.settings.clock.setInterval(() => this.prune(), PRUNE_EVERY_MS).unref();
  }

  /**
   * A reload's new `notifiers` section: changed and new file channels get a new notifier (a send in
   * flight on the old one finishes and is recorded), removed ones stop (their queued rows wait, or
   * go to an API channel of the same id); unchanged ones keep running.
   */
  async reconfigure(next: NotifiersConfig): Promise<void> {
    const prev = this.file;
    this.file = next;
    if (Object.keys(next).length > 0) this.open();
    for (const id of Object.keys(prev)) {
      if (next[id]) continue;
      const api = this.api.get(id);
      if (api) this.addLane(api);
      else await this.delivery?.removeLane(id);
    }
    for (const [id, d] of Object.entries(next)) {
      if (prev[id] && isDeepStrictEqual(prev[id].raw, d.raw)) continue;
      if (this.api.delete(id)) this.settings.logger.warn({ notifier: id }, 'an API channel has the id of a channel in the config file; the file wins');
      this.addLane(d);
    }
    this.settings.logger.info({ channels: Object.keys(next) }, 'notifiers reconfigured');
  }

  readonly shutdown = once(async () => {
    this.pruneTimer?.cancel();
    await this.delivery?.stop();
  });

  enqueue(input: Omit<Notification, 'id' | 'createdAt'>): Notification {
    const n: Notification = { ...input, id: randomUUID(), createdAt: this.settings.clock.now() };
    const lane = this.delivery?.lane(n.notifier);
    if (!lane) {
      this.settings.logger.warn({ notifier: n.notifier, groupKey: n.groupKey, action: n.action }, 'notification for a notifier that is not configured; not queued');
      return n;
    }
    if (n.action === 'acknowledge' && !lane.notifier.acknowledges) return n;
    this.outbox().insert(n);
    this.delivery!.kick();
    return n;
  }

  has(id: string): boolean { return this.delivery?.lane(id) !== undefined || id in this.file || this.api.has(id); }

  acknowledges(id: string): boolean { return this.delivery?.lane(id)?.notifier.acknowledges ?? false; }

  channels(): ChannelRecord[] {
    const rec = (d: ChannelDecl, source: ChannelRecord['source']): ChannelRecord => ({ id: d.id, type: d.type, config: redactSecrets(d.raw, d.factory.secrets), source });
    return [...Object.values(this.file).map((d) => rec(d, 'file')), ...[...this.api.values()].map((d) => rec(d, 'api'))].sort((a, b) => a.id.localeCompare(b.id));
  }

  putChannel(id: string, config: unknown): ChannelRecord {
    if (this.file[id]) throw errors.conflict(`notifiers.${id}: defined in the config file; change it there`);
    const { decl, problems } = parseChannel(id, config, this.factories);
    if (!decl) throw errors.invalidData(problems.map((p) => `notifiers.${id}${p.path ? `.${p.path}` : ''}: ${p.message}`).join('; '));
    this.addLane(decl);
    this.outbox().putChannel(id, decl.type, decl.raw, this.settings.clock.now());
    this.api.set(id, decl);
    this.settings.logger.info({ notifier: id }, 'channel saved');
    return { id, type: decl.type, config: redactSecrets(decl.raw, decl.factory.secrets), source: 'api' };
  }

  deleteChannel(id: string): boolean {
    if (this.file[id]) throw errors.conflict(`notifiers.${id}: defined in the config file; remove it there`);
    if (!this.api.has(id)) return false;
    this.api.delete(id);
    const outbox = this.outbox();
    outbox.deleteChannel(id);
    const dropped = outbox.killOpen(id, this.settings.clock.now(), 'channel deleted');
    if (dropped > 0) this.settings.logger.warn({ notifier: id, dropped }, 'channel deleted with notifications still queued; moved to the dead letters');
    void this.delivery?.removeLane(id);
    return true;
  }

  async test(id: string): Promise<SendResult> {
    const lane = this.delivery?.lane(id);
    if (!lane) throw errors.notFound(`notifiers.${id}: no such channel`);
    const n = sampleNotification(id, this.settings.clock.now());
    const result = await sendWithDeadline(this.settings.clock, lane.notifier, n, lane.delivery.timeout, new AbortController());
    const detail = result.detail === undefined ? undefined : scrub(result.detail, lane.secretValues);
    this.settings.logger.info({ notifier: id, outcome: result.outcome, answer: detail }, 'test notification');
    return { ...result, detail } as SendResult;
  }

  stats(): OutboxStats[] {
    const by = new Map<string, OutboxStats>();
    const get = (notifier: string) => by.get(notifier) ?? by.set(notifier, { notifier, pending: 0, sent: 0, rejected: 0, dead: 0 }).get(notifier)!;
    for (const id of this.delivery?.laneIds() ?? []) get(id);
    for (const c of this.outboxHandle?.counts() ?? []) {
      const s = get(c.notifier);
      if (c.state === 'pending' || c.state === 'sending') s.pending += c.n;
      else s[c.state] += c.n;
    }
    return [...by.values()].sort((a, b) => a.notifier.localeCompare(b.notifier));
  }

  /** The newest outbox rows, e.g. the dead letters (`{ state: 'dead' }`). */
  outboxRows(filter: { notifier?: string; state?: OutboxState; limit?: number } = {}): OutboxRow[] {
    return this.outboxHandle?.list(filter) ?? [];
  }

  private open(): Outbox {
    if (!this.store) throw errors.internal('the notifiers service is not started');
    this.outboxHandle ??= new Outbox(this.store);
    return this.outboxHandle;
  }

  private outbox(): Outbox {
    return this.open();
  }

  private addLane(d: ChannelDecl): void {
    const notifier = d.factory.create({ id: d.id, logger: this.settings.logger.child({ notifier: d.id }), clock: this.settings.clock }, d.config);
    this.delivery!.setLane(d.id, { notifier, delivery: d.delivery, secretValues: secretValuesOf(d.config, d.factory.secrets) });
  }

  private warnOrphans(): void {
    for (const s of this.stats()) {
      if (s.pending > 0 && !this.delivery!.lane(s.notifier)) this.settings.logger.warn({ notifier: s.notifier, pending: s.pending }, 'notifications wait for a notifier that is not configured');
    }
  }

  private prune(): void {
    const n = this.outboxHandle?.prune(this.settings.clock.now() - OUTBOX_RETENTION_MS) ?? 0;
    if (n > 0) this.settings.logger.debug({ pruned: n }, 'pruned finished notifications');
  }
}

/** The `notifiers` service factory for the given notifier types (the built-in ones in the agent). */
export function createNotifierServiceFactory(factories: readonly NotifierFactory[], opts: NotifierServiceOptions = {}): ServiceFactory<NotifiersConfig, NotifierService> {
  return defineService('notifiers', 'notifiers', notifiersSchema(factories), (settings, config): Service<NotifierService> => {
    const hub = new NotifierHub(settings, config, factories, opts);
    return { key: NOTIFIERS, api: hub, start: (host) => hub.start(host), shutdown: hub.shutdown, reconfigure: (c) => hub.reconfigure(c as NotifiersConfig) };
  });
}

/** The `notifiers` service with the built-in notifier types. */
export const notifiersServiceFactory = createNotifierServiceFactory(builtinNotifiers);
