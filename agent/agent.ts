// The agent: loads a config, assembles the pipeline graph, serves telemetry, starts and stops in order.
import type { Logger } from 'pino';
import { Admission } from './admission.js';
import type { Factory, CreateSettings, Host } from './component.js';
import { factoryMap } from './factories.js';
import { PipelineGraph } from './graph.js';
import { createLogger } from './logger.js';
import { PrometheusRegistry } from './metric-registry.js';
import { createSelfTelemetry, type SelfTelemetry } from './self-telemetry.js';
import { Store } from './store/store.js';
import { TelemetryServer } from './telemetry-server.js';
import { agentVersion } from './version.js';
import { formatProblem } from './component.js';
import { loadConfig } from '../config/loader.js';
import type { ResolvedConfig } from '../config/validate.js';

export interface AgentOptions {
  /** Extra factories (e.g. test sinks); they replace built-ins of the same kind and type. */
  factories?: readonly Factory[];
  /** A logger to use instead of one made from service.telemetry.logs.level. */
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

/** How the config is given: a file path, YAML text, or a parsed tree; undefined = embedded default. */
export type ConfigInput = { path?: string } | { yaml: string } | { tree: unknown };

export class Agent {
  private ready = false;
  private stopping: Promise<void> | undefined;
  readonly startedAt = Date.now();

  private constructor(
    readonly config: ResolvedConfig,
    readonly logger: Logger,
    readonly graph: PipelineGraph,
    readonly telemetry: SelfTelemetry,
    readonly registry: PrometheusRegistry,
    readonly store: Store,
    readonly telemetryServer: TelemetryServer,
  ) {}

  /**
   * Loads the config (throwing one error that lists every problem), builds and starts everything.
   * A string is YAML text; an object is a parsed config tree.
   */
  static async start(input: string | object | ConfigInput = {}, opts: AgentOptions = {}): Promise<Agent> {
    const factories = factoryMap(opts.factories);
    const given: ConfigInput = typeof input === 'string' ? { yaml: input }
      : 'yaml' in input || 'tree' in input || 'path' in input ? (input as ConfigInput) : { tree: input };
    const source = 'yaml' in given ? { yaml: given.yaml } : 'tree' in given ? { tree: given.tree } : given.path;
    const loaded = loadConfig(source, factories, opts.env);
    if (!loaded.config) {
      throw Object.assign(new Error(`invalid config (${loaded.source}):\n${loaded.problems.map(formatProblem).join('\n')}`), { code: 'BAD_CONFIG', problems: loaded.problems });
    }
    const config = loaded.config;
    const logger = opts.logger ?? createLogger(config.telemetry.logLevel);
    for (const w of loaded.warnings ?? []) logger.warn({ path: w.path }, w.message);
    const telemetry = createSelfTelemetry({ serviceVersion: agentVersion() });
    const registry = new PrometheusRegistry({ selfTelemetry: telemetry.exporter, onConflict: PrometheusRegistry.logConflicts(logger) });
    const store = new Store(config.storagePath);
    const settingsFor = (id: string, pipeline?: string): CreateSettings => ({
      id, pipeline, meter: telemetry.meter, registry, store,
      logger: logger.child({ component: id, ...(pipeline ? { pipeline } : {}) }),
    });
    const graph = PipelineGraph.build(config, settingsFor);
    let agent: Agent | undefined;
    const server = new TelemetryServer({
      endpoint: config.telemetry.endpoint,
      registry,
      isReady: () => agent?.ready ?? false,
      onScrapeError: (err) => logger.error({ err }, 'error rendering /metrics'),
    });
    agent = new Agent(config, logger, graph, telemetry, registry, store, server);
    await server.start();
    const host: Host = { reportFatal: (err) => agent!.fatal(err), admission: new Admission() };
    try {
      await graph.start(host);
    } catch (err) {
      await server.shutdown();
      store.close();
      await telemetry.meterProvider.shutdown().catch(() => {});
      throw err;
    }
    agent.ready = true;
    logger.info({ version: agentVersion(), pipelines: config.pipelines.map((p) => p.name), telemetry: server.address }, 'outrider started');
    return agent;
  }

  get isReady(): boolean { return this.ready; }

  /** host:port of the telemetry server (/metrics, /healthz, /readyz). */
  get telemetryAddress(): string { return this.telemetryServer.address; }

  /** A running component by kind and id. */
  component<T>(kind: 'receiver' | 'processor' | 'exporter', id: string, pipeline?: string): T | undefined {
    return this.graph.component<T>(kind, id, pipeline);
  }

  private fatal(err: Error): void {
    this.logger.fatal({ err }, 'a component failed; stopping');
    void this.stop().finally(() => process.exit(1));
  }

  /** Stops intake, flushes every pipeline, closes servers and the store. Idempotent. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      this.ready = false;
      this.logger.info('outrider stopping');
      await this.graph.shutdown((node, err) => this.logger.error({ err, node }, 'error during shutdown'));
      await this.telemetryServer.shutdown();
      await this.telemetry.meterProvider.shutdown().catch(() => {});
      this.store.close();
      this.logger.info('outrider stopped');
    })());
  }
}
