// Ordering of pipelines joined by connectors: who feeds whom, cycles, downstream-first order.

/** What ordering needs of a pipeline. */
export interface PipelineLinks { name: string; receivers: readonly string[]; exporters: readonly string[] }

/** Pipelines that `p` feeds through connectors. */
export function downstreamOf<P extends PipelineLinks>(p: P, pipelines: readonly P[], connectorIds: ReadonlySet<string>): P[] {
  const via = p.exporters.filter((id) => connectorIds.has(id));
  return pipelines.filter((q) => q.receivers.some((id) => via.includes(id)));
}

/** A cycle of pipeline names (first repeated at the end), or undefined. */
export function findCycle<P extends PipelineLinks>(pipelines: readonly P[], connectorIds: ReadonlySet<string>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (p: P): string[] | undefined => {
    if (state.get(p.name) === 'done') return undefined;
    if (state.get(p.name) === 'visiting') return [...stack.slice(stack.indexOf(p.name)), p.name];
    state.set(p.name, 'visiting');
    stack.push(p.name);
    for (const q of downstreamOf(p, pipelines, connectorIds)) {
      const found = visit(q);
      if (found) return found;
    }
    stack.pop();
    state.set(p.name, 'done');
    return undefined;
  };
  for (const p of pipelines) {
    const found = visit(p);
    if (found) return found;
  }
  return undefined;
}

/** Pipelines ordered so that every pipeline comes after the pipelines it feeds (downstream first). */
export function downstreamFirst<P extends PipelineLinks>(pipelines: readonly P[], connectorIds: ReadonlySet<string>): P[] {
  const out: P[] = [];
  const done = new Set<string>();
  const visit = (p: P) => {
    if (done.has(p.name)) return;
    done.add(p.name);
    for (const q of downstreamOf(p, pipelines, connectorIds)) visit(q);
    out.push(p);
  };
  for (const p of pipelines) visit(p);
  return out;
}
