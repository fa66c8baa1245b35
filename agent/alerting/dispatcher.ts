// Notification groups on the clock, as Alertmanager runs them: a new group flushes after
// group_wait, then every group_interval sends only if its firing set grew or alerts resolved, and
// re-sends an unchanged firing group after repeat_interval. Inhibited, silenced and muted alerts
// are held back. What each group last sent is persisted, so a restart neither re-pages nor
// loses a resolve.
import type { Logger } from 'pino';
import type { Clock, Timer } from '../clock.js';
import type { NotifierService } from '../notifiers/api.js';
import type { AlertStore, GroupState } from './alert-store.js';
import type { Silence } from './api.js';
import type { InhibitRule, MuteInterval } from './config.js';
import { Escalator } from './escalation.js';
import { matchesAll, silenceMatches } from './labels.js';
import type { AlertRecord } from './model.js';
import { muted } from './mute.js';
import { buildNotification } from './notification.js';
import { groupOf, routeAt, routesFor, type Route } from './routing.js';

/** What the dispatcher reads and calls. */
export interface DispatcherDeps {
  clock: Clock;
  store: AlertStore;
  logger: Logger;
  tree: Route;
  inhibitRules: readonly InhibitRule[];
  muteIntervals: readonly MuteInterval[];
  escalations: Escalator;
  notifiers: () => NotifierService | undefined;
  /** Firing and acknowledged alerts now. */
  firing: () => AlertRecord[];
  /** An alert's newest incident (for resolved ones). */
  alert: (id: string) => AlertRecord | undefined;
  silences: () => Silence[];
  traceUrl: string;
  maxTraceLinks: number;
}

/** A group at run time: its persisted state, its route and its timer. */
export interface Group { state: GroupState; route: Route; timer?: Timer; escTimer?: Timer }

export class Dispatcher {
  readonly groups = new Map<string, Group>();
  private readonly warned = new Set<string>();

  constructor(private readonly d: DispatcherDeps) {}

  /** Rebuilds the groups from the store and puts their timers back on the clock. */
  restore(): void {
    for (const state of this.d.store.groups()) {
      const route = routeAt(this.d.tree, state.route);
      if (!route) { this.d.store.deleteGroup(state.key); continue; }
      const g: Group = { state, route };
      this.groups.set(state.key, g);
      this.schedule(g, Math.max(0, state.nextAt - this.d.clock.now()));
      this.d.escalations.resume(this, g);
    }
  }

  /**
   * Firing alerts join their routes' groups (a new group waits group_wait). Called with every
   * firing alert after each evaluation, so an alert whose silence ended finds its group again.
   */
  update(firing: AlertRecord[]): void {
    const now = this.d.clock.now();
    const silences = this.activeSilences(now);
    for (const a of firing) {
      if (a.state === 'resolved' || a.state === 'pending' || silences.some((s) => silenceMatches(s, a.labels)) || this.inhibited(a, firing)) continue;
      for (const route of routesFor(this.d.tree, a.labels)) {
        if (route.notifiers.length === 0 && !route.escalation) continue;
        const { key, labels } = groupOf(route, a.labels);
        if (this.groups.has(key)) continue;
        const g: Group = {
          route,
          state: { key, route: route.path, labels, sent: {}, notified: [], createdAt: now, lastSentAt: 0, nextAt: now + route.groupWaitMs, escStartedAt: 0, escLevel: -1 },
        };
        this.groups.set(key, g);
        this.d.store.putGroup(g.state);
        this.schedule(g, route.groupWaitMs);
      }
    }
  }

  private activeSilences(now: number): Silence[] {
    return this.d.silences().filter((s) => s.startsAt <= now && now < s.endsAt);
  }

  /** Writes a group's state to the store. */
  persist(g: Group): void {
    this.d.store.putGroup(g.state);
  }

  private schedule(g: Group, ms: number): void {
    g.timer?.cancel();
    g.timer = this.d.clock.setTimeout(() => {
      if (!this.atomically('flush', g, () => this.flush(g))) this.schedule(g, g.route.groupIntervalMs);
    }, ms).unref();
  }

  /**
   * Runs a group's timer work in one transaction, so the notifications queued (the notifier
   * service's outbox lives in the same database) and the group's new state commit together. On a
   * failure (logged) the group's state is put back as it was; returns whether it succeeded.
   */
  atomically(what: string, g: Group, fn: () => void): boolean {
    const before = structuredClone(g.state);
    try {
      this.d.store.tx(fn);
      return true;
    } catch (err) {
      g.state = before;
      this.d.logger.error({ err, group: g.state.key }, `alerting: group ${what} failed; retried later`);
      return false;
    }
  }

  /** The group's alerts that may be notified now: firing, routed to it, neither inhibited nor silenced. */
  members(g: Group): AlertRecord[] {
    const all = this.d.firing();
    const silences = this.activeSilences(this.d.clock.now());
    return all.filter((a) => routesFor(this.d.tree, a.labels).includes(g.route) && groupOf(g.route, a.labels).key === g.state.key
      && !this.inhibited(a, all) && !silences.some((s) => silenceMatches(s, a.labels)));
  }

  /** Whether another firing alert matching an inhibit rule's source side suppresses `a`. */
  inhibited(a: AlertRecord, firing: AlertRecord[]): boolean {
    return this.d.inhibitRules.some((r) => matchesAll(a.labels, r.target_match, r.target_match_re)
      && firing.some((s) => s.id !== a.id && matchesAll(s.labels, r.source_match, r.source_match_re)
        && r.equal.every((l) => (s.labels[l] ?? '') === (a.labels[l] ?? ''))));
  }

  /** One flush: sends what changed (or repeats), then schedules the next one group_interval later. */
  flush(g: Group): void {
    const now = this.d.clock.now();
    const { route, state } = g;
    const firing = this.members(g);
    const resolved: AlertRecord[] = [];
    for (const [id, status] of Object.entries(state.sent)) {
      if (status !== 'firing' || firing.some((a) => a.id === id)) continue;
      const a = this.d.alert(id);
      if (a?.state === 'resolved') resolved.push(a);
      else delete state.sent[id]; // silenced or inhibited meanwhile: held back, not resolved
    }
    if (muted(this.d.muteIntervals, route.muteTimeIntervals, now)) return this.next(g, now);
    const grew = firing.some((a) => state.sent[a.id] !== 'firing');
    const repeat = firing.length > 0 && state.lastSentAt > 0 && now - state.lastSentAt >= route.repeatIntervalMs;
    if (firing.length === 0 && resolved.length === 0) return this.retireOrWait(g, now);
    if (grew || resolved.length > 0 || repeat) {
      const action = firing.length > 0 ? 'trigger' : 'resolve';
      const targets = action === 'trigger'
        ? [...new Set([...route.notifiers, ...this.d.escalations.reached(g), ...state.notified])]
        : [...new Set([...state.notified, ...route.notifiers])];
      this.send(g, action, targets, [...firing, ...resolved]);
      state.sent = Object.fromEntries(firing.map((a) => [a.id, 'firing' as const]));
      state.notified = action === 'trigger' ? targets : [];
      state.lastSentAt = now;
      if (action === 'trigger') this.d.escalations.start(this, g);
      else this.d.escalations.stop(g);
    }
    if (firing.length === 0) return this.retire(g);
    this.next(g, now);
  }

  private next(g: Group, now: number): void {
    g.state.nextAt = now + g.route.groupIntervalMs;
    this.d.store.putGroup(g.state);
    this.schedule(g, g.route.groupIntervalMs);
  }

  /** A group with nothing to send: dropped once it has nothing outstanding. */
  private retireOrWait(g: Group, now: number): void {
    if (Object.keys(g.state.sent).length === 0) this.retire(g); else this.next(g, now);
  }

  private retire(g: Group): void {
    g.timer?.cancel();
    this.d.escalations.stop(g);
    this.groups.delete(g.state.key);
    this.d.store.deleteGroup(g.state.key);
  }

  /** Enqueues one notification per target notifier the notifier service knows. */
  send(g: Group, action: 'trigger' | 'acknowledge' | 'resolve', targets: string[], alerts: AlertRecord[]): void {
    const svc = this.d.notifiers();
    for (const notifier of targets) {
      if (!svc || !svc.has(notifier)) { this.warnOnce(notifier, svc === undefined); continue; }
      if (action === 'acknowledge' && !svc.acknowledges(notifier)) continue;
      svc.enqueue(buildNotification({ notifier, action, groupKey: g.state.key, groupLabels: g.state.labels, alerts, traceUrl: this.d.traceUrl, maxTraceLinks: this.d.maxTraceLinks }));
    }
  }

  private warnOnce(notifier: string, noService: boolean): void {
    if (this.warned.has(notifier)) return;
    this.warned.add(notifier);
    this.d.logger.warn({ notifier }, noService ? 'alerting: no notifiers service runs; notifications are recorded only' : `alerting: no notifier '${notifier}' is configured; its notifications are dropped`);
  }

  /** An acknowledgement: groups whose every firing alert is now acknowledged tell the notifiers that understand it. */
  acknowledged(a: AlertRecord): void {
    for (const g of this.groups.values()) {
      if (g.state.sent[a.id] !== 'firing') continue;
      const firing = this.members(g);
      if (firing.length === 0 || firing.some((x) => x.state !== 'acknowledged')) continue;
      this.send(g, 'acknowledge', g.state.notified, firing);
      this.d.escalations.stop(g);
      this.d.store.putGroup(g.state);
    }
  }

  /** Cancels every timer (state stays in the store). */
  stop(): void {
    for (const g of this.groups.values()) { g.timer?.cancel(); g.escTimer?.cancel(); }
  }
}
