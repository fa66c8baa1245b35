// The route tree, walked as Alertmanager walks it: the root takes every alert; within a node the
// first matching child wins unless it says `continue`; an alert no child takes stays at the node.
import type { AlertingConfig, RouteConfig } from './config.js';
import { matchesAll } from './labels.js';

/** A route with its inherited settings filled in. */
export interface Route {
  /** `root`, or the index path from the root (`0`, `0.1`). */
  path: string;
  match: Record<string, string>;
  match_re: Record<string, string>;
  notifiers: string[];
  continue: boolean;
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  escalation: string | undefined;
  muteTimeIntervals: string[];
  children: Route[];
}

/** The tree from the config: the root is the `alerting` section's defaults and `default_notifiers`. */
export function buildTree(c: AlertingConfig): Route {
  const root: Route = {
    path: 'root', match: {}, match_re: {}, notifiers: c.default_notifiers, continue: false, groupBy: c.group_by,
    groupWaitMs: c.group_wait, groupIntervalMs: c.group_interval, repeatIntervalMs: c.repeat_interval,
    escalation: undefined, muteTimeIntervals: [], children: [],
  };
  const child = (r: RouteConfig, parent: Route, path: string): Route => {
    const node: Route = {
      path, match: r.match, match_re: r.match_re, notifiers: r.notifiers, continue: r.continue,
      groupBy: r.group_by ?? parent.groupBy, groupWaitMs: r.group_wait ?? parent.groupWaitMs,
      groupIntervalMs: r.group_interval ?? parent.groupIntervalMs, repeatIntervalMs: r.repeat_interval ?? parent.repeatIntervalMs,
      escalation: r.escalation ?? parent.escalation, muteTimeIntervals: r.mute_time_intervals, children: [],
    };
    node.children = r.routes.map((c2, i) => child(c2, node, `${path}.${i}`));
    return node;
  };
  root.children = c.routes.map((r, i) => child(r, root, String(i)));
  return root;
}

/** Every route that takes an alert with these labels (at least the root). */
export function routesFor(node: Route, labels: Record<string, string>): Route[] {
  const out: Route[] = [];
  for (const c of node.children) {
    if (!matchesAll(labels, c.match, c.match_re)) continue;
    out.push(...routesFor(c, labels));
    if (!c.continue) break;
  }
  return out.length > 0 ? out : [node];
}

/** The route at an index path, or undefined when the tree changed. */
export function routeAt(root: Route, path: string): Route | undefined {
  if (path === 'root') return root;
  let node: Route | undefined = root;
  for (const i of path.split('.')) node = node?.children[Number(i)];
  return node;
}

/** The group an alert joins on a route: its `group_by` labels (`...`: all) and a key naming route and labels. */
export function groupOf(route: Route, labels: Record<string, string>): { key: string; labels: Record<string, string> } {
  const names = route.groupBy.includes('...') ? Object.keys(labels) : route.groupBy;
  const g: Record<string, string> = {};
  for (const n of [...names].sort()) if (labels[n] !== undefined) g[n] = labels[n]!;
  return { key: `${route.path}:{${Object.entries(g).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`, labels: g };
}
