// The pipeline graph: builds components from a resolved config, starts downstream first, stops
// upstream first. Built again on a config reload, it keeps every component whose config and
// downstream are unchanged, and receivers and connectors reach pipelines through outlets that
// survive the swap.
import { isDeepStrictEqual } from 'node:util';
import { createProcessor, type Component, type ConnectorFactory, type Consumer, type CreateSettings, type ExporterFactory, type Host, type ProcessorFactory, type ReceiverFactory, type SignalConsumers } from './component.js';
import { fanout, Outlet } from './fanout.js';
import { downstreamFirst } from './graph-order.js';
import type { Signal } from './pdata/model.js';
import type { ComponentDecl, PipelineDecl, ResolvedConfig } from '../config/validate.js';

type NodeKind = 'receiver' | 'processor' | 'exporter' | 'connector';

export interface GraphNode {
  /** `kind:id`, or `processor:id@pipeline`. */
  key: string;
  id: string;
  kind: NodeKind;
  pipeline?: string;
  component: Component;
  /** The type and config it was created from. */
  type: string;
  config: unknown;
  /** What it was wired to: exporters' signals, receivers' and connectors' pipelines, processors' next consumers. */
  wiring: unknown[];
}

const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

export class PipelineGraph {
  /**
   * In start order: exporters; then pipelines downstream first (each one's processors from last to
   * first, a connector right before the first pipeline that exports to it); then receivers.
   */
  readonly nodes: GraphNode[] = [];
  /** Nodes taken over unchanged from the previous graph. */
  readonly kept = new Set<GraphNode>();
  /** Each pipeline's entry: the outlet, and the first consumer it points to once connected. */
  private readonly heads = new Map<string, { outlet: Outlet<any>; head: Consumer<any> }>();

  private constructor(readonly pipelines: readonly PipelineDecl[]) {}

  /**
   * Creates every component the pipelines use (receivers and exporters once each, processors once
   * per pipeline). With `previous`, a component whose type, config and wiring are unchanged is
   * taken over instead of created.
   */
  static build(config: ResolvedConfig, settingsFor: (id: string, pipeline?: string) => CreateSettings, previous?: PipelineGraph): PipelineGraph {
    const graph = new PipelineGraph(config.pipelines);
    const decl = (kind: string, id: string): ComponentDecl => {
      const d = config.components.get(`${kind}:${id}`);
      if (!d) throw new Error(`${kind} '${id}' is not declared`);
      return d;
    };
    /** The previous node of that key when it can be kept, else a new one made by `create`. */
    const place = <C extends Component>(key: string, kind: NodeKind, d: ComponentDecl, wiring: unknown[], create: () => C, pipeline?: string): C => {
      const old = previous?.nodes.find((n) => n.key === key);
      if (old && old.type === d.type && isDeepStrictEqual(old.config, d.config) && sameWiring(old.wiring, wiring)) {
        graph.nodes.push(old);
        graph.kept.add(old);
        return old.component as C;
      }
      const component = create();
      graph.nodes.push({ key, id: d.id, kind, pipeline, component, type: d.type, config: d.config, wiring });
      return component;
    };

    const connectorIds = new Set([...config.components.values()].filter((c) => c.kind === 'connector').map((c) => c.id));
    for (const p of config.pipelines) {
      const prev = previous?.heads.get(p.name);
      graph.heads.set(p.name, { outlet: prev?.outlet ?? new Outlet<any>({ consume: async () => {} }), head: prev?.head as Consumer<any> });
    }
    const consumersFor = (id: string): { consumers: SignalConsumers; feeds: string[] } => {
      const consumers: SignalConsumers = {};
      const feeds: string[] = [];
      for (const signal of SIGNALS) {
        const targets = config.pipelines.filter((p) => p.signal === signal && p.receivers.includes(id));
        feeds.push(...targets.map((p) => p.name));
        if (targets.length) (consumers as Record<Signal, Consumer<unknown>>)[signal] = fanout(targets.map((p) => graph.heads.get(p.name)!.outlet));
      }
      return { consumers, feeds };
    };

    // Exporters: one instance per id, serving every signal it is used for.
    const exporterSignals = new Map<string, Set<Signal>>();
    for (const p of config.pipelines) for (const id of p.exporters) {
      if (connectorIds.has(id)) continue;
      if (!exporterSignals.has(id)) exporterSignals.set(id, new Set());
      exporterSignals.get(id)!.add(p.signal);
    }
    const exporters = new Map<string, Component & SignalConsumers>();
    for (const [id, set] of exporterSignals) {
      const d = decl('exporter', id);
      const signals = SIGNALS.filter((s) => set.has(s));
      exporters.set(id, place(`exporter:${id}`, 'exporter', d, signals, () => (d.factory as ExporterFactory).create(settingsFor(id), d.config, signals)));
    }

    // Pipelines, downstream first, so a connector finds the pipelines it feeds already built.
    const connectors = new Map<string, Component & SignalConsumers>();
    const connector = (id: string) => {
      let c = connectors.get(id);
      if (!c) {
        const d = decl('connector', id);
        const { consumers, feeds } = consumersFor(id);
        c = place(`connector:${id}`, 'connector', d, feeds, () => (d.factory as ConnectorFactory).create(settingsFor(id), d.config, consumers));
        connectors.set(id, c);
      }
      return c;
    };
    for (const p of downstreamFirst(config.pipelines, connectorIds)) {
      const targets = p.exporters.map((id) => {
        const target = connectorIds.has(id) ? connector(id) : exporters.get(id)!;
        const c = target[p.signal] as Consumer<any> | undefined;
        if (!c) throw new Error(`'${id}' did not create a ${p.signal} consumer`);
        return c;
      });
      let wiring: unknown[] = targets;
      let next: Consumer<any> = fanout<any>(targets);
      for (let i = p.processors.length - 1; i >= 0; i--) {
        const id = p.processors[i]!;
        const d = decl('processor', id);
        const downstream = next;
        const proc = place(`processor:${id}@${p.name}`, 'processor', d, wiring,
          () => createProcessor(d.factory as ProcessorFactory, settingsFor(id, p.name), d.config, p.signal, downstream), p.name);
        wiring = [proc];
        next = proc;
      }
      // A pipeline mutates if any of its processors does; the receiver's fan-out copies for it.
      const mutates = p.processors.some((id) => (graph.component<Consumer<any>>('processor', id, p.name))?.mutates);
      const first = next;
      graph.heads.get(p.name)!.head = mutates === (first.mutates ?? false) ? first : { mutates, consume: (d) => first.consume(d) };
    }

    // Receivers: one instance per id, fanning out to every pipeline that lists it.
    const receiverIds = [...new Set(config.pipelines.flatMap((p) => p.receivers))].filter((id) => !connectorIds.has(id));
    for (const id of receiverIds) {
      const d = decl('receiver', id);
      const { consumers, feeds } = consumersFor(id);
      place(`receiver:${id}`, 'receiver', d, feeds, () => (d.factory as ReceiverFactory).create(settingsFor(id), d.config, consumers));
    }
    return graph;
  }

  /** Points every pipeline's outlet at its first consumer (at once, so batches go to the new graph). */
  connect(): void {
    for (const { outlet, head } of this.heads.values()) outlet.target = head;
  }

  /** The component instance for an id (a processor needs its pipeline). */
  component<T = Component>(kind: NodeKind, id: string, pipeline?: string): T | undefined {
    return this.nodes.find((n) => n.kind === kind && n.id === id && (pipeline === undefined || n.pipeline === pipeline))?.component as T | undefined;
  }

  /** Every node as `kind:id` (with its pipeline), in start order. */
  describe(): Array<{ kind: string; id: string; pipeline?: string }> {
    return this.nodes.map(({ kind, id, pipeline }) => ({ kind, id, pipeline }));
  }

  /**
   * Starts the nodes `which` selects (default: all), downstream first; on a failure stops what
   * it had started and rethrows. `hostFor` gives each node its own Host.
   */
  async start(hostFor: (n: GraphNode) => Host, which: (n: GraphNode) => boolean = () => true, onStarted?: (n: GraphNode) => void): Promise<void> {
    const started: GraphNode[] = [];
    for (const n of this.nodes.filter(which)) {
      try {
        await n.component.start(hostFor(n));
        started.push(n);
        onStarted?.(n);
      } catch (err) {
        // the failing node may hold resources too (a receiver with one of two servers bound)
        for (const s of [n, ...started.reverse()]) await s.component.shutdown().catch(() => {});
        throw new Error(`${n.kind} ${n.id}${n.pipeline ? ` (pipeline ${n.pipeline})` : ''} failed to start: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Stops the nodes `which` selects (default: all) upstream first, so every component flushes into
   * components still running; exporters, which feed nothing downstream, stop together so their
   * drain timeouts do not add up.
   */
  async shutdown(onError: (node: string, err: unknown) => void, which: (n: GraphNode) => boolean = () => true, onStopped?: (n: GraphNode) => void): Promise<void> {
    const stop = async (n: GraphNode) => {
      try {
        await n.component.shutdown();
      } catch (err) {
        onError(`${n.kind} ${n.id}`, err);
      }
      onStopped?.(n);
    };
    const order = this.nodes.filter(which).reverse();
    for (const n of order.filter((x) => x.kind !== 'exporter')) await stop(n);
    await Promise.all(order.filter((x) => x.kind === 'exporter').map(stop));
  }
}

/** Same wiring: equal values, and the very same consumer objects. */
function sameWiring(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i] || (typeof x !== 'object' && x === b[i]));
}
