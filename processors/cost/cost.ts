// The cost processor: prices each span (LLM tokens, compute time, ingest bytes), tags it, and
// records the weighted USD in the metric registry, the signals service, SQLite rollups and budgets.
import type { Counter } from '@opentelemetry/api';
import type { Component, Consumer, CreateSettings, Host } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import type { Timer } from '../../agent/clock.js';
import { METRICS, type CounterVec, type MetricRegistry } from '../../agent/metric-registry.js';
import { valueText } from '../../agent/metric-registry/labels.js';
import type { KeyValue, Span, TracesData } from '../../agent/pdata/model.js';
import { AdjustedCountCache } from '../../agent/sampling/otep235.js';
import { STORE } from '../../agent/services/store-service.js';
import { SIGNALS, OVERFLOW_VALUE, type SeriesWriter, type Signal } from '../../agent/signals/signals.js';
import { BatchSums, type Entry } from './batch-sums.js';
import { Budgets } from './budgets.js';
import type { CostConfig } from './config.js';
import { newFacts, readFacts } from './genai-attributes.js';
import { PriceSource } from './price-source.js';
import { llmCost, roundUsd } from './price-table.js';
import { Rollups } from './rollups.js';
import { attributesSize, spanSize } from './span-size.js';

/** `outrider.cost.kind` by bit mask: 1 llm, 2 compute, 4 ingest. */
const KINDS = ['', 'llm', 'compute', 'llm,compute', 'ingest', 'llm,ingest', 'compute,ingest', 'llm,compute,ingest'];

interface Writers { usd: ReturnType<CounterVec['series']>; sig: SeriesWriter }

function lookup(attrs: readonly KeyValue[], key: string): KeyValue | undefined {
  for (let i = 0; i < attrs.length; i++) if (attrs[i]!.key === key) return attrs[i];
  return undefined;
}

/** Prices spans and records their cost. Mutates spans (adds the cost attributes). */
export class CostProcessor implements Component, Consumer<TracesData> {
  readonly mutates = true;
  readonly prices: PriceSource;
  private readonly facts = newFacts();
  private readonly weights = new AdjustedCountCache();
  private readonly rollups: Rollups;
  private readonly budgets: Budgets;
  private readonly ingestUsdPerByte: number;
  private readonly keys: readonly string[];
  private readonly seen: Array<Set<string>>;
  private readonly models = new Set<string>();
  private readonly writers = new Map<string, Writers>();
  private readonly unpricedWriters = new Map<string, Writers>();
  private readonly reloads: Counter;
  private registry: MetricRegistry | undefined;
  private costVec: CounterVec | undefined;
  private unpricedVec: CounterVec | undefined;
  private sigCost: Signal | undefined;
  private sigUnpriced: Signal | undefined;
  private flusher: Timer | undefined;
  private stored = false;
  private stopped = false;

  constructor(private readonly settings: CreateSettings, private readonly cfg: CostConfig, private readonly next: Consumer<TracesData>) {
    this.reloads = settings.meter.createCounter('outrider_cost_price_reloads', { description: 'Price file reloads by outcome (success, failure: the old prices kept).' });
    this.prices = new PriceSource({
      inline: cfg.llm.prices, file: cfg.llm.prices_file, includeDefaults: cfg.llm.include_defaults,
      checkIntervalMs: cfg.llm.reload_check_interval, clock: settings.clock, logger: settings.logger,
      onReload: (outcome) => this.reloads.add(1, { processor: settings.id, outcome }),
    });
    this.rollups = new Rollups(cfg.retention);
    this.budgets = new Budgets(cfg.budgets);
    this.ingestUsdPerByte = cfg.ingest.destinations.reduce((a, d) => a + d.usd_per_gb, 0) / 1e9;
    this.keys = cfg.attribution.keys;
    this.seen = this.keys.map(() => new Set<string>());
  }

  /** Registers the series, opens the rollup table, loads the budgets' spend, starts the timers. */
  async start(host: Host): Promise<void> {
    if (this.registry || this.stopped) return;
    const reg = host.service(METRICS);
    this.costVec = reg.counter('outrider_cost_usd_total', 'USD cost of spans by kind (llm, compute, ingest), weighted by their adjusted count.', ['service_name', 'kind', 'model']);
    this.unpricedVec = reg.counter('outrider_cost_unpriced_spans_total', 'LLM spans whose model has no price, weighted by their adjusted count.', ['service_name', 'model']);
    this.registry = reg;
    const signals = host.findService(SIGNALS);
    this.sigCost = signals?.counter('cost_usd', ['service_name', 'kind', 'model']);
    this.sigUnpriced = signals?.counter('cost_unpriced_spans', ['service_name', 'model']);
    const store = host.findService(STORE);
    const now = this.settings.clock.now();
    if (store) {
      try {
        this.rollups.open(store);
        this.stored = true;
      } catch (e) {
        host.reportStatus('degraded', `cost: rollups not stored: ${(e as Error).message}`);
      }
    }
    this.budgets.start(signals, this.stored ? store!.handle : undefined, now);
    this.flusher = this.settings.clock.setInterval(() => this.tick(), this.cfg.flush_interval).unref();
    this.prices.watch();
  }

  /** Tags the batch, hands it on, then records its costs once the pipeline accepted it. */
  async consume(td: TracesData): Promise<void> {
    const cells = this.tag(td);
    await this.next.consume(td);
    this.apply(cells);
  }

  /** Prices and tags every span; returns the batch's weighted sums. */
  tag(td: TracesData): BatchSums {
    const sums = new BatchSums(this.keys);
    if (this.stopped) return sums;
    const table = this.prices.table;
    const f = this.facts;
    const cfg = this.cfg;
    const perByte = this.ingestUsdPerByte;
    const nkeys = this.keys.length;
    const attrValues: string[] = new Array(nkeys);
    for (const rs of td.resourceSpans) {
      const res = rs.resource?.attributes ?? [];
      const svcKv = lookup(res, 'service.name');
      const service = svcKv ? valueText(svcKv.value) : '';
      const override = cfg.compute.services[service];
      const coreHourUsd = cfg.compute.enabled ? (override?.cpu_core_hour_usd ?? cfg.compute.cpu_core_hour_usd) * (override?.cores ?? cfg.compute.cores) : 0;
      let compute: Entry | undefined;
      let ingest: Entry | undefined;
      let resShare = 0;
      if (perByte > 0) {
        let n = 0;
        for (const ss of rs.scopeSpans) n += ss.spans.length;
        resShare = n > 0 ? attributesSize(res) / n : 0;
        ingest = sums.entry(service, 'ingest', '');
      }
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          readFacts(span.attributes, f);
          if (f.tagged) continue;
          const w = this.weights.get(span.traceState);
          // bytes as received, before any attribute is added
          const bytes = ingest ? spanSize(span) + resShare : 0;
          for (let k = 0; k < nkeys; k++) attrValues[k] = this.attrValue(k, span.attributes, res);
          let total = 0;
          let kinds = 0;
          let unpriced = false;
          if (f.appCost !== undefined || f.hasUsage) {
            const llm = sums.entry(service, 'llm', this.modelLabel(f.model));
            let usd: number | undefined = f.appCost;
            if (usd === undefined) {
              const entry = table.find(f.provider, f.model, Number(span.startTimeUnixNano / 1_000_000n));
              if (entry) {
                usd = llmCost(entry, f.usage);
                span.attributes.push({ key: 'gen_ai.usage.cost', value: usd });
              }
            }
            if (usd === undefined) {
              unpriced = true;
              llm.add(0, w, w, attrValues);
            } else {
              total += usd;
              kinds |= 1;
              llm.add(usd, w, 0, attrValues);
            }
          }
          if (coreHourUsd > 0 && (span.kind === 2 || span.kind === 5)) {
            const ns = span.endTimeUnixNano - span.startTimeUnixNano;
            const usd = ns > 0n ? roundUsd((Number(ns) / 3.6e12) * coreHourUsd) : 0;
            total += usd;
            kinds |= 2;
            (compute ??= sums.entry(service, 'compute', '')).add(usd, w, 0, attrValues);
          }
          if (ingest) {
            const usd = roundUsd(bytes * perByte);
            total += usd;
            kinds |= 4;
            ingest.add(usd, w, 0, attrValues);
          }
          if (kinds) {
            span.attributes.push({ key: 'outrider.cost.usd', value: roundUsd(total) }, { key: 'outrider.cost.kind', value: KINDS[kinds]! });
          }
          if (unpriced) span.attributes.push({ key: 'outrider.cost.unpriced', value: true });
        }
      }
    }
    return sums;
  }

  private attrValue(k: number, attrs: readonly KeyValue[], res: readonly KeyValue[]): string {
    const key = this.keys[k]!;
    const kv = lookup(attrs, key) ?? lookup(res, key);
    if (!kv) return '';
    const v = valueText(kv.value);
    const seen = this.seen[k]!;
    if (seen.has(v)) return v;
    if (seen.size >= this.cfg.attribution.cardinality_limit) return OVERFLOW_VALUE;
    seen.add(v);
    return v;
  }

  private modelLabel(model: string): string {
    if (this.models.has(model)) return model;
    if (this.models.size >= this.cfg.llm.max_models) return OVERFLOW_VALUE;
    this.models.add(model);
    return model;
  }

  /** Adds a batch's sums to the series, the rollups and the budgets. */
  apply(sums: BatchSums): void {
    if (this.stopped || !this.costVec) return;
    const now = this.settings.clock.now();
    for (const c of sums.cells()) {
      const key = c.key;
      if (this.stored) this.rollups.add(now, c.service, c.kind, c.model, c.attrKey, c.attrValue, c.usd, c.spans, c.unpriced);
      if (this.budgets.size && c.usd > 0) this.budgets.add(c.service, c.kind, c.model, c.attrKey, c.attrValue, c.usd, now);
      if (c.attrKey !== '') continue;
      if (c.usd > 0 || c.unpriced === 0) {
        let wr = this.writers.get(key);
        if (!wr) {
          const v = [c.service, c.kind, c.model];
          wr = { usd: this.costVec.series(v), sig: this.sigCost?.series(v) ?? NOOP };
          this.writers.set(key, wr);
        }
        wr.usd.add(c.usd);
        wr.sig.add(c.usd, now);
      }
      if (c.unpriced > 0) {
        const ukey = `${c.service}\u0000${c.model}`;
        let wr = this.unpricedWriters.get(ukey);
        if (!wr) {
          const v = [c.service, c.model];
          wr = { usd: this.unpricedVec!.series(v), sig: this.sigUnpriced?.series(v) ?? NOOP };
          this.unpricedWriters.set(ukey, wr);
        }
        wr.usd.add(c.unpriced);
        wr.sig.add(c.unpriced, now);
      }
    }
    if (this.budgets.size) this.budgets.publish(now);
  }

  /** Writes the pending rollups in one transaction (also run every `flush_interval`). */
  flush(): number {
    if (!this.stored) return 0;
    try {
      return this.rollups.flush(this.settings.clock.now());
    } catch (e) {
      this.settings.logger.error(`cost: rollup flush failed, kept for the next one: ${(e as Error).message}`);
      return 0;
    }
  }

  /** Budget figures (for tests and the admin API). */
  budget(name: string) { return this.budgets.state(name, this.settings.clock.now()); }

  private tick(): void {
    this.flush();
    if (this.budgets.size) this.budgets.publish(this.settings.clock.now());
  }

  readonly shutdown = once(async () => {
    if (this.stopped) return;
    this.flusher?.cancel();
    this.prices.stop();
    this.flush();
    this.stopped = true;
    if (this.costVec) this.registry?.unregister(this.costVec);
    if (this.unpricedVec) this.registry?.unregister(this.unpricedVec);
  });
}

const NOOP: SeriesWriter = { add() {}, set() {}, observe() {} };
