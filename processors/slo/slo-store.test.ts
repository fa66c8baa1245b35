// SLO buckets survive a restart: flushed minutes are read back into a new processor's rings.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Span, TracesData } from '../../agent/pdata/model.js';
import { METRICS } from '../../agent/metric-registry.js';
import { STORE } from '../../agent/services/store-service.js';
import { SIGNALS } from '../../agent/signals/signals.js';
import { Store } from '../../agent/store/store.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { tempDir } from '../../test/kit/config.js';
import { FakeClock } from '../../test/kit/fake-clock.js';
import { testHost, testSettings } from '../../test/kit/settings.js';
import { sloProcessorFactory } from './index.js';
import type { SloProcessor } from './slo.js';

const MIN = 60_000;
const DAY = 86_400_000;
const cfg = sloProcessorFactory.parse({ objectives: [{ name: 'pay', service: 'checkout', sli: 'availability', objective: 0.99, window: '7d' }] });

function batch(n: number, bad: number): TracesData {
  const spans: Span[] = Array.from({ length: n }, (_, i) => f.span({ name: 'POST /pay', status: { message: '', code: i < bad ? 2 : 0 } }));
  return f.traces({ 'service.name': 'checkout' }, spans);
}

/** A processor on `file` at the clock's time. */
async function open(file: string, clock: FakeClock) {
  const s = testSettings('slo', { clock });
  const store = new Store(file);
  const host = testHost([[METRICS, s.registry], [SIGNALS, s.signals], [STORE, store]]);
  const proc = sloProcessorFactory.create.traces!(s, cfg, f.sink<TracesData>()) as SloProcessor;
  await proc.start(host);
  return { proc, store };
}

describe('slo store', () => {
  test('restart: what was flushed comes back, same SLI and budget; the unflushed tail (< flush_interval) is lost', async () => {
    const file = join(tempDir(), 'outrider.db');
    const clock = new FakeClock();
    const a = await open(file, clock);
    await a.proc.consume(batch(1000, 5));
    await clock.advance(3 * 60 * MIN);
    await a.proc.consume(batch(500, 50));
    await clock.advance(5_000); // one flush_interval: both minutes on disk
    await a.proc.consume(batch(7, 7)); // not flushed: lost at a kill -9
    const before = a.proc.api.get('pay')!;
    a.store.close(); // the process dies without shutdown
    const b = await open(file, clock);
    const after = b.proc.api.get('pay')!;
    expect([after.good, after.total]).toEqual([1445, 1500]);
    expect([before.good, before.total]).toEqual([1445, 1507]);
    expect(after.sli).toBe(1445 / 1500);
    expect(after.windows['1h']).toEqual({ good: 450, total: 500, sli: 0.9, burnRate: after.windows['1h']!.burnRate });
    expect(after.errorBudgetRemaining).toBe(1 - (55 / 1500) / (1 - 0.99));
    await b.proc.shutdown(); // shutdown flushes: nothing more is lost
    b.store.close();
    const c = await open(file, clock);
    expect(c.proc.api.get('pay')).toEqual(after);
    c.store.close();
  });

  test('retention: rows older than window + 3 days are deleted at a flush', async () => {
    const file = join(tempDir(), 'outrider.db');
    const clock = new FakeClock();
    const a = await open(file, clock);
    await a.proc.consume(batch(10, 0));
    await clock.advance(5_000);
    const rows = () => (a.store.handle.prepare('SELECT count(*) AS n FROM slo_minutes').get() as { n: number }).n;
    expect(rows()).toBe(1);
    // jump without running 10 days of timers: shut the timers down, move on, flush by hand
    await a.proc.shutdown();
    await clock.advance(10 * DAY - 5_000 - 1);
    a.proc.flush();
    expect(rows()).toBe(1);
    await clock.advance(1 + MIN);
    a.proc.flush();
    expect(rows()).toBe(0);
    a.store.close();
  });
});

describe('slo store across a config reload', () => {
  test('the replacing instance reads the store after the old one\'s last flush: nothing lost, nothing twice', async () => {
    const file = join(tempDir(), 'outrider.db');
    const clock = new FakeClock();
    const store = new Store(file);
    const mk = async () => {
      const s = testSettings('slo', { clock });
      const proc = sloProcessorFactory.create.traces!(s, cfg, f.sink<TracesData>()) as SloProcessor;
      await proc.start(testHost([[METRICS, s.registry], [SIGNALS, s.signals], [STORE, store]]));
      return proc;
    };
    const old = await mk();
    await old.consume(batch(10, 1)); // not flushed yet
    const next = await mk(); // started beside the old one, as a reload does
    await next.consume(batch(5, 0));
    await old.shutdown(); // its last flush, then it lets go
    expect(next.api.get('pay')!.total).toBe(15);
    await clock.advance(5_000);
    expect((store.handle.prepare('SELECT sum(total) AS n FROM slo_minutes').get() as { n: number }).n).toBe(15);
    await next.shutdown();
    store.close();
  });
});
