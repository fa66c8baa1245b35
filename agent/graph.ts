// The pipeline graph: builds components from a resolved config, starts downstream first, stops upstream first.
import type { Component, ConnectorFactory, Consumer, CreateSettings, ExporterFactory, Host, ProcessorFactory, ReceiverFactory, SignalConsumers } from './component.js';
import { fanout } from './fanout.js';
import type { Signal, SignalData } from './pdata/model.js';
import type { ComponentDecl, PipelineDecl, ResolvedConfig } from '../config/validate.js';
import { downstreamFirst } from '../config/pipelines.js';

interface Node { id: string; kind: 'receiver' | 'processor' | 'exporter' | 'connector'; pipeline?: string; component: Component }

export class PipelineGraph {
  /**
   * In start order: exporters; then pipelines downstream first (each one's processors from last to
   * first, a connector right before the first pipeline that exports to it); then receivers.
   */
  private readonly nodes: Node[] = [];

  private constructor(readonly pipelines: readonly PipelineDecl[]) {}

  /** Creates every component the pipelines use (receivers and exporters once each, processors once per pipeline). */
  static build(config: ResolvedConfig, settingsFor: (id: string, pipeline?: string) => CreateSettings): PipelineGraph {
    const graph = new PipelineGraph(config.pipelines);
    const decl = (kind: string, id: string): ComponentDecl => {
      const d = config.components.get(`${kind}:${id}`);
      if (!d) throw new Error(`${kind} '${id}' is not declared`);
      return d;
    };

    const connectorIds = new Set([...config.components.values()].filter((c) => c.kind === 'connector').map((c) => c.id));

    // Exporters: one instance per id, serving every signal it is used for.
    const exporterSignals = new Map<string, Set<Signal>>();
    for (const p of config.pipelines) for (const id of p.exporters) {
      if (connectorIds.has(id)) continue;
      if (!exporterSignals.has(id)) exporterSignals.set(id, new Set());
      exporterSignals.get(id)!.add(p.signal);
    }
    const exporters = new Map<string, Component & SignalConsumers>();
    for (const [id, signals] of exporterSignals) {
      const d = decl('exporter', id);
      const exp = (d.factory as ExporterFactory).create(settingsFor(id), d.config, [...signals]);
      exporters.set(id, exp);
      graph.nodes.push({ id, kind: 'exporter', component: exp });
    }

    // Pipelines, downstream first, so a connector finds the pipelines it feeds already built.
    const entries = new Map<string, Consumer<any>>();
    const connectors = new Map<string, Component & SignalConsumers>();
    const connector = (id: string) => {
      let c = connectors.get(id);
      if (!c) {
        const d = decl('connector', id);
        c = (d.factory as ConnectorFactory).create(settingsFor(id), d.config, consumersFor(id));
        connectors.set(id, c);
        graph.nodes.push({ id, kind: 'connector', component: c });
      }
      return c;
    };
    const consumersFor = (id: string): SignalConsumers => {
      const consumers: SignalConsumers = {};
      for (const signal of ['traces', 'metrics', 'logs'] as const) {
        const targets = config.pipelines.filter((p) => p.signal === signal && p.receivers.includes(id)).map((p) => entries.get(p.name)!);
        if (targets.length) (consumers as Record<Signal, Consumer<SignalData[Signal]>>)[signal] = fanout(targets);
      }
      return consumers;
    };
    for (const p of downstreamFirst(config.pipelines, connectorIds)) {
      let next: Consumer<any> = fanout<any>(p.exporters.map((id) => {
        const target = connectorIds.has(id) ? connector(id) : exporters.get(id)!;
        const c = target[p.signal] as Consumer<any> | undefined;
        if (!c) throw new Error(`'${id}' did not create a ${p.signal} consumer`);
        return c;
      }));
      for (let i = p.processors.length - 1; i >= 0; i--) {
        const id = p.processors[i]!;
        const d = decl('processor', id);
        const proc = (d.factory as ProcessorFactory).create(settingsFor(id, p.name), d.config, p.signal, next);
        graph.nodes.push({ id, kind: 'processor', pipeline: p.name, component: proc });
        next = proc;
      }
      // A pipeline mutates if any of its processors does; the receiver's fan-out copies for it.
      const mutates = p.processors.some((id) => (graph.component<Consumer<any>>('processor', id, p.name))?.mutates);
      const head = next;
      entries.set(p.name, { mutates, consume: (d) => head.consume(d) });
    }

    // Receivers: one instance per id, fanning out to every pipeline that lists it.
    const receiverIds = [...new Set(config.pipelines.flatMap((p) => p.receivers))].filter((id) => !connectorIds.has(id));
    for (const id of receiverIds) {
      const d = decl('receiver', id);
      const rec = (d.factory as ReceiverFactory).create(settingsFor(id), d.config, consumersFor(id));
      graph.nodes.push({ id, kind: 'receiver', component: rec });
    }
    return graph;
  }

  /** The component instance for an id (a processor needs its pipeline). */
  component<T = Component>(kind: Node['kind'], id: string, pipeline?: string): T | undefined {
    return this.nodes.find((n) => n.kind === kind && n.id === id && (pipeline === undefined || n.pipeline === pipeline))?.component as T | undefined;
  }

  /** Every node as `kind:id` (with its pipeline), in start order. */
  describe(): Array<{ kind: string; id: string; pipeline?: string }> {
    return this.nodes.map(({ kind, id, pipeline }) => ({ kind, id, pipeline }));
  }

  /** Starts downstream first; on a failure stops what had started and rethrows. */
  async start(host: Host): Promise<void> {
    const started: Node[] = [];
    for (const n of this.nodes) {
      try {
        await n.component.start(host);
        started.push(n);
      } catch (err) {
        // the failing node may hold resources too (a receiver with one of two servers bound)
        for (const s of [n, ...started.reverse()]) await s.component.shutdown().catch(() => {});
        throw new Error(`${n.kind} ${n.id}${n.pipeline ? ` (pipeline ${n.pipeline})` : ''} failed to start: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Stops upstream first, so every component flushes into components still running; exporters,
   * which feed nothing downstream, stop together so their drain timeouts do not add up.
   */
  async shutdown(onError: (node: string, err: unknown) => void): Promise<void> {
    const stop = async (n: Node) => {
      try {
        await n.component.shutdown();
      } catch (err) {
        onError(`${n.kind} ${n.id}`, err);
      }
    };
    const order = [...this.nodes].reverse();
    for (const n of order.filter((x) => x.kind !== 'exporter')) await stop(n);
    await Promise.all(order.filter((x) => x.kind === 'exporter').map(stop));
  }
}
