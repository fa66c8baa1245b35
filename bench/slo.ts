// SLO benchmarks: the 20 SLOs of the pipeline scenario, counting cost per span, and start-up
// time with 30 days of minute buckets for 20 SLOs in SQLite.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../agent/clock.js';
import { METRICS } from '../agent/metric-registry.js';
import { STORE } from '../agent/services/store-service.js';
import { SIGNALS } from '../agent/signals/signals.js';
import { Store } from '../agent/store/store.js';
import { sloProcessorFactory } from '../processors/slo/index.js';
import { SloProcessor } from '../processors/slo/slo.js';
import { testHost, testSettings } from '../test/kit/settings.js';
import { makeTracesData } from './fixtures.js';

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };

/** 20 SLOs over the bench fixtures' services: availability, latency, a route and a span-name match each. */
export const SLO_OBJECTIVES_20 = ['checkout', 'cart', 'payment', 'frontend', 'inventory'].flatMap((s) => [
  { name: `${s}-availability`, service: s, sli: 'availability', objective: 0.999, window: '30d' },
  { name: `${s}-latency`, service: s, sli: { latency: '300ms' }, objective: '95%', window: '28d' },
  { name: `${s}-routes`, service: s, match: { http_routes: ['/api/*'] }, sli: 'availability', objective: 0.995, window: '7d' },
  { name: `${s}-get`, service: s, match: { span_kinds: ['SERVER', 'CLIENT'], span_names: ['GET *'] }, sli: { latency: '1s' }, objective: 0.99, window: '30d' },
]);

/** The processors section of the bench scenario (YAML flow style). */
export const SLO_PROCESSOR_YAML = `slo: ${JSON.stringify({ objectives: SLO_OBJECTIVES_20 })}`;

/** ns per span of the SLO processor's classify + count (20 SLOs), in process. */
export async function benchSloCount(rounds = 9, batches = 200): Promise<number> {
  const settings = testSettings('slo', { clock: systemClock });
  const proc = new SloProcessor(settings, sloProcessorFactory.parse({ objectives: SLO_OBJECTIVES_20 }), { consume: async () => {} });
  await proc.start(settings.host);
  const times: number[] = [];
  // a few distinct batches made once (generating them in the timed loop would time the GC of the
  // generator); the marks a round adds are taken off again outside the timed part
  const tds = Array.from({ length: 10 }, () => makeTracesData({ resources: 5, spansPerResource: 100 }));
  for (let r = 0; r < rounds; r++) {
    let ns = 0;
    for (let i = 0; i < batches; i++) {
      const td = tds[i % tds.length]!;
      const t = process.hrtime.bigint();
      await proc.consume(td);
      ns += Number(process.hrtime.bigint() - t);
      unmark(td);
    }
    times.push(ns / (batches * 500));
  }
  await proc.shutdown();
  return median(times);
}

function unmark(td: ReturnType<typeof makeTracesData>): void {
  for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) for (const sp of ss.spans) {
    const last = sp.attributes[sp.attributes.length - 1];
    if (last?.key === 'outrider.slo.bad') sp.attributes.pop();
  }
}

/** Start-up (rings rebuilt from SQLite) with 30 days of minute buckets for 20 SLOs: rows and median ms. */
export async function benchSloStartup(rounds = 5): Promise<{ rows: number; ms: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'outrider-bench-slo-')), 'outrider.db');
  const cfg = sloProcessorFactory.parse({ objectives: SLO_OBJECTIVES_20.map((o) => ({ ...o, window: '30d' })) });
  const now = Date.now();
  const nowMin = Math.floor(now / 60_000);
  {
    const store = new Store(file);
    const s = testSettings('slo', { clock: systemClock });
    const proc = new SloProcessor(s, cfg, { consume: async () => {} });
    await proc.start(testHost([[METRICS, s.registry], [SIGNALS, s.signals], [STORE, store]]));
    await proc.shutdown();
    const insert = store.handle.prepare('INSERT INTO slo_minutes (slo, minute, good, total) VALUES (?, ?, ?, ?)');
    store.handle.transaction(() => {
      for (const d of cfg.objectives) for (let m = nowMin - 30 * 1440 + 1; m <= nowMin; m++) insert.run(d.name, m, 990, 1000);
    })();
    store.close();
  }
  const times: number[] = [];
  let rows = 0;
  for (let r = 0; r < rounds; r++) {
    const store = new Store(file);
    const s = testSettings('slo', { clock: systemClock });
    const t = process.hrtime.bigint();
    const proc = new SloProcessor(s, cfg, { consume: async () => {} });
    await proc.start(testHost([[METRICS, s.registry], [SIGNALS, s.signals], [STORE, store]]));
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    rows = proc.api.list().reduce((n, st) => n + st.total / 1000, 0);
    await proc.shutdown();
    store.close();
  }
  return { rows, ms: median(times) };
}
