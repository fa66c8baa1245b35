// The agent: loads a config, starts services then pipelines, reloads a changed config in place,
// and stops pipelines then services.
import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { isDeepStrictEqual } from 'node:util';
import type { CreateSettings, Factory, Host, Problem } from './component.js';
import { formatProblem } from './component.js';
import { ADMISSION, Admission } from './admission.js';
import { CONTROL, controlOf } from './control.js';
import { systemClock, type Clock } from './clock.js';
import { catalogFor } from './factory-registry.js';
import { PipelineGraph, type GraphNode } from './graph.js';
import { createLogger } from './logger.js';
import { METRICS, type MetricRegistry } from './metric-registry.js';
import { createSelfTelemetry, type SelfTelemetry } from './self-telemetry.js';
import type { Service, ServiceFactory, ServiceKey } from './service.js';
import { createMetricsServices } from './services/metrics-service.js';
import { TELEMETRY } from './services/telemetry-service.js';
import { hostFor, STATUS, StatusBoard } from './status.js';
import { agentVersion } from './version.js';
import { loadConfigFor } from '../config/loader.js';
import type { ResolvedConfig, ServiceDecl } from '../config/validate.js';

export interface AgentOptions {
  /** Extra factories (e.g. test sinks); they replace built-ins of the same kind and type. */
  factories?: readonly (Factory | ServiceFactory)[];
  /** A logger to use instead of one made from service.telemetry.logs.level. */
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Time and timers for every component (default: the system clock). */
  clock?: Clock;
  /** Called once when a component reports a fatal error, after the agent stopped (the CLI exits 1). */
  onFatal?: (err: Error) => void;
}

/** How the config is given: a file path, YAML text, or a parsed tree; undefined = embedded default. */
export type ConfigInput = { path?: string } | { yaml: string } | { tree: unknown };

/** What a reload did. */
export interface ReloadResult {
  outcome: 'ok' | 'refused' | 'unchanged';
  problems: Problem[];
  /** Components created, kept and stopped (as `kind:id[@pipeline]`). */
  created: string[];
  kept: string[];
  stopped: string[];
}

/** Services a reload can apply in place; a change to any other service's section needs a restart. */
const RELOADABLE_SERVICES = new Set(['telemetry', 'alerting']);

function sourceOf(given: ConfigInput) {
  return 'yaml' in given ? { yaml: given.yaml } : 'tree' in given ? { tree: given.tree } : given.path;
}

export class Agent {
  private stopping: Promise<void> | undefined;
  private reloading: Promise<ReloadResult> = Promise.resolve({ outcome: 'unchanged', problems: [], created: [], kept: [], stopped: [] });
  private fatalSeen = false;
  readonly startedAt: number;
  private readonly services: Service[] = [];
  private readonly apis = new Map<string, unknown>();
  private readonly reloads: Counter;

  /** The running pipelines (replaced by a reload). */
  graph!: PipelineGraph;

  private constructor(
    public config: ResolvedConfig,
    readonly logger: Logger,
    readonly telemetry: SelfTelemetry,
    readonly board: StatusBoard,
    readonly clock: Clock,
    private readonly given: ConfigInput,
    private readonly opts: AgentOptions,
  ) {
    this.startedAt = clock.now();
    this.reloads = telemetry.meter.createCounter('outrider_config_reloads', { description: 'Config reloads, by outcome (ok, refused).' });
  }

  /**
   * Loads the config (throwing one error that lists every problem), starts the services, then
   * builds and starts the pipelines. A string is YAML text; an object is a parsed config tree.
   */
  static async start(input: string | object | ConfigInput = {}, opts: AgentOptions = {}): Promise<Agent> {
    const given: ConfigInput = typeof input === 'string' ? { yaml: input }
      : 'yaml' in input || 'tree' in input || 'path' in input ? (input as ConfigInput) : { tree: input };
    // only the factories of the components the config declares are loaded
    const loaded = await loadConfigFor(sourceOf(given), (keys) => catalogFor(keys, opts.factories), opts.env);
    if (!loaded.config) {
      throw Object.assign(new Error(`invalid config (${loaded.source}):\n${loaded.problems.map(formatProblem).join('\n')}`), { code: 'BAD_CONFIG', problems: loaded.problems });
    }
    const config = loaded.config;
    const logger = opts.logger ?? createLogger(config.telemetry.logLevel);
    for (const w of loaded.warnings ?? []) logger.warn({ path: w.path }, w.message);
    const clock = opts.clock ?? systemClock;
    const telemetry = createSelfTelemetry({ serviceVersion: agentVersion() });
    const board = new StatusBoard(clock);
    board.set('agent', 'starting');
    const agent = new Agent(config, logger, telemetry, board, clock, given, opts);
    agent.apis.set(STATUS.name, board);
    agent.apis.set(ADMISSION.name, new Admission());
    agent.apis.set(CONTROL.name, controlOf(agent));
    try {
      for (const s of createMetricsServices(telemetry, logger, () => clock.now())) await agent.startService(s);
      for (const d of config.services) await agent.startService(agent.createService(d));
      agent.graph = PipelineGraph.build(config, (id, pipeline) => agent.settingsFor(id, pipeline));
      agent.graph.connect();
      await agent.startNodes(agent.graph, () => true);
    } catch (err) {
      await agent.stopServices();
      throw err;
    }
    board.set('agent', 'ok');
    logger.info({ version: agentVersion(), pipelines: config.pipelines.map((p) => p.name), telemetry: agent.telemetryAddress }, 'outrider started');
    return agent;
  }

  /** Whether every part started and nothing failed or is stopping. */
  get isReady(): boolean { return this.board.ready; }

  /** host:port of the telemetry server (/metrics, /healthz, /readyz). */
  get telemetryAddress(): string { return this.service(TELEMETRY)?.address ?? ''; }

  /** The metric registry served at /metrics. */
  get registry(): MetricRegistry { return this.service(METRICS)!; }

  /** A running service's API by its key. */
  service<T>(key: ServiceKey<T>): T | undefined {
    return this.apis.get(key.name) as T | undefined;
  }

  /** A running component by kind and id. */
  component<T>(kind: 'receiver' | 'processor' | 'exporter', id: string, pipeline?: string): T | undefined {
    return this.graph.component<T>(kind, id, pipeline);
  }

  private settingsFor(id: string, pipeline?: string): CreateSettings {
    return {
      id, pipeline, meter: this.telemetry.meter, clock: this.clock,
      logger: this.logger.child({ component: id, ...(pipeline ? { pipeline } : {}) }),
    };
  }

  private hostOf(key: string): Host {
    return hostFor(key, {
      board: this.board,
      lookup: <T>(k: ServiceKey<T>) => this.apis.get(k.name) as T | undefined,
      onFatal: (id, err) => this.fatal(id, err),
    });
  }

  /**
   * Starts the nodes `which` selects, each `starting` until its start returns, then `ok` unless it
   * reported otherwise meanwhile.
   */
  private async startNodes(graph: PipelineGraph, which: (n: GraphNode) => boolean): Promise<void> {
    for (const n of graph.nodes) if (which(n)) this.board.set(n.key, 'starting');
    await graph.start((n) => this.hostOf(n.key), which, (n) => {
      if (this.board.get(n.key)?.status === 'starting') this.board.set(n.key, 'ok');
    });
  }

  private createService(d: ServiceDecl): Service {
    return d.factory.create(this.settingsFor(d.type), d.config);
  }

  private async startService(s: Service): Promise<void> {
    const key = `service:${s.key.name}`;
    this.board.set(key, 'starting');
    await s.start(this.hostOf(key));
    this.services.push(s);
    this.apis.set(s.key.name, s.api);
    this.board.set(key, 'ok');
  }

  /** Stops services in reverse start order. */
  private async stopServices(): Promise<void> {
    for (const s of [...this.services].reverse()) {
      await s.shutdown().catch((err) => this.logger.error({ err, service: s.key.name }, 'error stopping a service'));
      this.apis.delete(s.key.name);
      this.board.remove(`service:${s.key.name}`);
    }
    this.services.length = 0;
    await this.telemetry.shutdown().catch(() => {});
  }

  private fatal(id: string, err: Error): void {
    if (this.fatalSeen) return;
    this.fatalSeen = true;
    this.logger.fatal({ err, component: id }, 'a component failed; stopping');
    void this.stop().finally(() => this.opts.onFatal?.(err));
  }

  /**
   * Loads the config again (from the same file, or `input`) and applies it without a restart:
   * a config with problems changes nothing (every problem is logged and returned); otherwise
   * unchanged components keep running, changed ones are replaced — the new ones start first, the
   * pipelines' outlets switch to them at once, then the old ones drain downstream and stop.
   * Listeners that keep their config keep their port; shared series keep their values.
   * Reloads run one at a time.
   */
  reload(input?: ConfigInput): Promise<ReloadResult> {
    const run = async () => this.applyReload(input ?? this.given);
    this.reloading = this.reloading.then(run, run);
    return this.reloading;
  }

  private async applyReload(given: ConfigInput): Promise<ReloadResult> {
    const result: ReloadResult = { outcome: 'refused', problems: [], created: [], kept: [], stopped: [] };
    const refuse = (problems: Problem[]) => {
      for (const p of problems) this.logger.error({ path: p.path }, `config reload refused: ${formatProblem(p)}`);
      this.reloads.add(1, { outcome: 'refused' });
      return { ...result, problems };
    };
    if (this.stopping) return refuse([{ path: '', message: 'the agent is stopping' }]);
    const loaded = await loadConfigFor(sourceOf(given), (keys) => catalogFor(keys, this.opts.factories), this.opts.env);
    if (!loaded.config) return refuse(loaded.problems);
    const next = loaded.config;
    for (const w of loaded.warnings ?? []) this.logger.warn({ path: w.path }, w.message);

    // Services: the telemetry server and the alerting engine are replaced in place; the others (storage, signals) need a restart.
    const changedServices = next.services.filter((d) => !isDeepStrictEqual(d.config, this.config.services.find((o) => o.type === d.type)?.config));
    const inPlace = (d: ServiceDecl) => this.services.find((s) => s.key.name === d.factory.type)?.reconfigure !== undefined;
    const restartOnly = changedServices.filter((d) => !RELOADABLE_SERVICES.has(d.type) && !inPlace(d));
    if (restartOnly.length) {
      return refuse(restartOnly.map((d) => ({ path: d.factory.section, message: 'changes take effect only after a restart; the running agent keeps its current settings' })));
    }

    let graph: PipelineGraph;
    try {
      graph = PipelineGraph.build(next, (id, pipeline) => this.settingsFor(id, pipeline), this.graph);
    } catch (err) {
      return refuse([{ path: '', message: (err as Error).message }]);
    }
    const fresh = (n: GraphNode) => !graph.kept.has(n);
    try {
      await this.startNodes(graph, (n) => fresh(n) && n.kind !== 'receiver');
    } catch (err) {
      for (const n of graph.nodes) if (fresh(n)) this.board.remove(n.key);
      return refuse([{ path: '', message: (err as Error).message }]);
    }

    const old = this.graph;
    const previousEndpoint = this.config.telemetry.endpoint;
    const retired = (n: GraphNode) => !graph.kept.has(n);
    const logErr = (node: string, err: unknown) => this.logger.error({ err, node }, 'error stopping a replaced component');
    const unmark = (n: GraphNode) => { if (!graph.nodes.some((m) => m.key === n.key)) this.board.remove(n.key); };
    // Receivers being replaced stop first (their ports may be reused); they drain into the old pipelines.
    await old.shutdown(logErr, (n) => retired(n) && n.kind === 'receiver', unmark);
    graph.connect();
    this.graph = graph;
    this.config = next;
    try {
      await this.startNodes(graph, (n) => fresh(n) && n.kind === 'receiver');
    } catch (err) {
      this.logger.error({ err }, 'config reload: a receiver failed to start');
      this.board.set('agent', 'degraded', (err as Error).message);
    }
    await old.shutdown(logErr, (n) => retired(n) && n.kind !== 'receiver', unmark);

    // the telemetry server is replaced only when its endpoint moves (the log level applies in place)
    const telemetry = changedServices.find((d) => d.type === 'telemetry');
    if (telemetry && next.telemetry.endpoint !== previousEndpoint) await this.replaceService(telemetry);
    // the alerting engine keeps its state in SQLite: a new one over the same tables takes over
    const alerting = changedServices.find((d) => d.type === 'alerting');
    if (alerting) await this.replaceService(alerting);
    for (const d of changedServices.filter((c) => !RELOADABLE_SERVICES.has(c.type))) {
      const s = this.services.find((x) => x.key.name === d.factory.type);
      await s?.reconfigure?.(d.config).catch((err: Error) => {
        this.logger.error({ err, service: d.type }, 'config reload: a service could not apply its new settings');
        this.board.set(`service:${d.type}`, 'degraded', err.message);
      });
    }
    const level = next.telemetry.logLevel;
    if (!this.opts.logger && this.logger.level !== level) this.logger.level = level;

    result.outcome = 'ok';
    result.created = graph.nodes.filter(fresh).map((n) => n.key);
    result.kept = graph.nodes.filter((n) => !fresh(n)).map((n) => n.key);
    result.stopped = old.nodes.filter(retired).map((n) => n.key);
    this.reloads.add(1, { outcome: 'ok' });
    this.logger.info({ created: result.created, stopped: result.stopped, kept: result.kept.length }, 'config reloaded');
    return result;
  }

  /** Stops a service and starts it again with its new config, in its place in the start order. */
  private async replaceService(d: ServiceDecl): Promise<void> {
    const i = this.services.findIndex((s) => s.key.name === d.factory.type);
    if (i < 0) return;
    await this.services[i]!.shutdown();
    const s = this.createService(d);
    const key = `service:${s.key.name}`;
    await s.start(this.hostOf(key));
    this.services[i] = s;
    this.apis.set(s.key.name, s.api);
  }

  /** Stops intake, flushes every pipeline, then stops the services (telemetry server, store). Idempotent. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      await this.reloading.catch(() => {});
      this.board.set('agent', 'stopped');
      this.logger.info('outrider stopping');
      await this.graph.shutdown((node, err) => this.logger.error({ err, node }, 'error during shutdown'), undefined, (n) => this.board.remove(n.key));
      await this.stopServices();
      this.logger.info('outrider stopped');
    })());
  }
}
