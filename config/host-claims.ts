// What running components claim from the host, checked before start: listening host:ports (no two
// on one), parts of the agent only one instance may use (the /metrics registry), and the store.
import type { Problem } from '../agent/component.js';
import type { ComponentDecl, PipelineDecl } from './validate.js';
import { splitEndpoint } from '../agent/endpoint.js';

/** Component types of which one instance at most may run, and why. */
const ONE_PER_AGENT: ReadonlyMap<string, string> = new Map([
  ['exporter:prometheus', "it serves the agent's one /metrics at service.telemetry.endpoint"],
]);

/** The declared components that some pipeline uses, in declaration order. */
export function usedComponents(components: ReadonlyMap<string, ComponentDecl>, pipelines: readonly PipelineDecl[]): ComponentDecl[] {
  const used = new Set<string>();
  for (const p of pipelines) {
    for (const id of p.receivers) used.add(`receiver:${id}`).add(`connector:${id}`);
    for (const id of p.processors) used.add(`processor:${id}`);
    for (const id of p.exporters) used.add(`exporter:${id}`).add(`connector:${id}`);
  }
  return [...components.values()].filter((c) => used.has(`${c.kind}:${c.id}`));
}

/** Every string value under a key named `key` in a parsed config, with its dotted path. */
function valuesAt(tree: unknown, key: string, path: string, out: Array<{ path: string; value: unknown }>): typeof out {
  if (tree === null || typeof tree !== 'object') return out;
  for (const [k, v] of Object.entries(tree)) {
    const at = `${path}.${k}`;
    if (k === key) out.push({ path: at, value: v });
    else valuesAt(v, key, at, out);
  }
  return out;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

function sameSocket(a: string, b: string): boolean {
  const x = splitEndpoint(a);
  const y = splitEndpoint(b);
  if (x.port === 0 || x.port !== y.port) return false; // port 0: the system picks a free one
  if (WILDCARD.has(x.host) || WILDCARD.has(y.host) || x.host === y.host) return true;
  return LOOPBACK.has(x.host) && LOOPBACK.has(y.host) && (x.host === 'localhost' || y.host === 'localhost');
}

/**
 * No two listeners on one host:port: the telemetry endpoint, services' listeners (the admin server)
 * and every `endpoint` a used receiver listens on (receivers' `endpoint` keys are where they listen, as in the Collector).
 */
export function checkListeners(telemetryEndpoint: string, used: readonly ComponentDecl[], problems: Problem[], services: ReadonlyArray<{ path: string; value: string }> = []): void {
  const listeners: Array<{ path: string; value: unknown }> = [{ path: 'service.telemetry.endpoint', value: telemetryEndpoint }, ...services];
  for (const c of used.filter((d) => d.kind === 'receiver')) valuesAt(c.config, 'endpoint', `receivers.${c.id}`, listeners);
  const seen: Array<{ path: string; value: string }> = [];
  for (const l of listeners) {
    if (typeof l.value !== 'string') continue;
    const clash = seen.find((s) => sameSocket(s.value, l.value as string));
    if (clash) problems.push({ path: l.path, message: `'${l.value}' is already used by ${clash.path}${clash.value === l.value ? '' : ` ('${clash.value}')`}` });
    else seen.push({ path: l.path, value: l.value });
  }
}

/** Types of which one instance at most may run: every further used instance is a problem. */
export function checkOnePerAgent(used: readonly ComponentDecl[], problems: Problem[]): void {
  const first = new Map<string, string>();
  for (const c of used) {
    const key = `${c.kind}:${c.type}`;
    const why = ONE_PER_AGENT.get(key);
    if (!why) continue;
    const taken = first.get(key);
    if (taken === undefined) first.set(key, c.id);
    else problems.push({ path: `${c.kind}s.${c.id}`, message: `only one ${c.type} ${c.kind} may run (${why}), and '${taken}' is already used` });
  }
}

/** Whether a used component keeps data in the agent's store (its factory says so, or any `storage: sqlite` in its config). */
export function usesStore(used: readonly ComponentDecl[]): boolean {
  return used.some((c) => c.factory.usesStore === true || valuesAt(c.config, 'storage', '', []).some((v) => v.value === 'sqlite'));
}
