// Escalation policies: level 0 goes with a group's first trigger; level i goes `after` (since
// then) while the group still has an unacknowledged firing alert. Acknowledging every alert or
// resolving the group stops it. Progress is persisted with the group.
import type { Clock } from '../clock.js';
import type { Escalation } from './config.js';
import type { Dispatcher, Group } from './dispatcher.js';

export class Escalator {
  constructor(private readonly clock: Clock, private readonly policies: readonly Escalation[]) {}

  private policy(g: Group): Escalation | undefined {
    return g.route.escalation === undefined ? undefined : this.policies.find((p) => p.name === g.route.escalation);
  }

  /** Notifiers of the levels the group reached (level 0 from the start). */
  reached(g: Group): string[] {
    const p = this.policy(g);
    if (!p) return [];
    const upto = Math.max(0, g.state.escLevel);
    return p.levels.slice(0, upto + 1).flatMap((l) => l.notifiers);
  }

  /** Called after a trigger went out: starts the policy once, at level 0. */
  start(d: Dispatcher, g: Group): void {
    const p = this.policy(g);
    if (!p || g.state.escStartedAt > 0) return;
    g.state.escStartedAt = this.clock.now();
    g.state.escLevel = 0;
    this.arm(d, g, p);
  }

  /** After a restart: the next level's timer, if the policy is still running. */
  resume(d: Dispatcher, g: Group): void {
    const p = this.policy(g);
    if (p && g.state.escStartedAt > 0) this.arm(d, g, p);
  }

  stop(g: Group): void {
    g.escTimer?.cancel();
    g.escTimer = undefined;
    g.state.escStartedAt = 0;
  }

  /** Schedules the next level (or a retry `retryMs` from now after a failed climb). */
  private arm(d: Dispatcher, g: Group, p: Escalation, retryMs?: number): void {
    const next = p.levels[g.state.escLevel + 1];
    g.escTimer?.cancel();
    g.escTimer = undefined;
    if (!next) return;
    const due = retryMs !== undefined ? this.clock.now() + retryMs : g.state.escStartedAt + next.after;
    g.escTimer = this.clock.setTimeout(() => {
      if (!d.atomically('escalation', g, () => this.climb(d, g, p))) this.arm(d, g, p, 60_000);
    }, Math.max(0, due - this.clock.now())).unref();
  }

  /** One level up, if an alert of the group still fires unacknowledged. */
  private climb(d: Dispatcher, g: Group, p: Escalation): void {
    if (!d.groups.has(g.state.key) || g.state.escStartedAt === 0) return;
    const firing = d.members(g);
    if (!firing.some((a) => a.state === 'firing')) { this.stop(g); d.persist(g); return; }
    const level = g.state.escLevel + 1;
    const targets = p.levels[level]!.notifiers;
    d.send(g, 'trigger', targets, firing);
    g.state.escLevel = level;
    g.state.notified = [...new Set([...g.state.notified, ...targets])];
    d.persist(g);
    this.arm(d, g, p);
  }
}
