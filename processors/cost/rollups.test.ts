// Cost rollups in SQLite: hour and day rows by service, kind, model and attribution key, one
// flush per interval, overflow beyond the cardinality bound, retention, and a reopened store.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Store } from '../../agent/store/store.js';
import { tempDir } from '../../test/kit/config.js';
import { testHost, testSettings } from '../../test/kit/settings.js';
import { METRICS } from '../../agent/metric-registry.js';
import { SIGNALS } from '../../agent/signals/signals.js';
import { STORE } from '../../agent/services/store-service.js';
import { llmSpan, setupCost, traces } from '../../test/kit/cost.js';
import type { RollupRow } from './rollups.js';

const PRICES = { llm: { prices: [{ model: 'm', prices: { input: 1000 } }], include_defaults: false }, compute: { enabled: false } };
const rows = (store: Store) => store.handle.prepare('SELECT * FROM cost_rollups ORDER BY period, attr_key, attr_value, model').all() as RollupRow[];
const call = (tokens: number, attrs: Record<string, string> = {}, model = 'm') => llmSpan({ 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': tokens, ...attrs });
const HOUR = Date.UTC(2026, 0, 1);

describe('cost rollups', () => {
  test('hour and day rows per service, kind, model and each attribution key, written at flush_interval; overflow past the bound', async () => {
    const { proc, settings, started } = setupCost({ ...PRICES, attribution: { keys: ['tenant.id', 'team'], cardinality_limit: 2 } });
    await started;
    const spans = [call(250, { 'tenant.id': 'a' }), call(500, { 'tenant.id': 'b' }), call(250, { 'tenant.id': 'c' }), call(250, { 'tenant.id': 'a' }), call(1, {}, 'nope')];
    await proc.consume(traces({ 'service.name': 'chat', team: 'search' }, spans));
    await settings.clock.advance(9_999);
    expect(rows(settings.store)).toEqual([]);
    await settings.clock.advance(1);
    const r = rows(settings.store).filter((x) => x.period === 'hour').map((x) => [x.attr_key, x.attr_value, x.model, x.usd, x.spans, x.unpriced_spans]);
    expect(r).toEqual([
      ['', '', 'm', 1.25, 4, 0], ['', '', 'nope', 0, 1, 1],
      ['team', 'search', 'm', 1.25, 4, 0], ['team', 'search', 'nope', 0, 1, 1],
      ['tenant.id', '', 'nope', 0, 1, 1],
      ['tenant.id', '__overflow__', 'm', 0.25, 1, 0], ['tenant.id', 'a', 'm', 0.5, 2, 0], ['tenant.id', 'b', 'm', 0.5, 1, 0],
    ]);
    expect(rows(settings.store).every((x) => x.start_ms === HOUR && x.service_name === 'chat' && x.kind === 'llm')).toBe(true);
    expect(rows(settings.store).filter((x) => x.period === 'day')).toHaveLength(8);
  });

  test('later flushes add to the same rows; a new hour gets new hour rows and the same day row', async () => {
    const { proc, settings, started } = setupCost(PRICES);
    await started;
    await proc.consume(traces({ 'service.name': 'chat' }, [call(250)]));
    await settings.clock.advance(10_000);
    await proc.consume(traces({ 'service.name': 'chat' }, [call(500)]));
    await settings.clock.advance(3_600_000);
    await proc.consume(traces({ 'service.name': 'chat' }, [call(250)]));
    await proc.shutdown(); // flushes what is pending
    expect(rows(settings.store).map((x) => [x.period, x.start_ms - HOUR, x.usd, x.spans])).toEqual([
      ['day', 0, 1, 3], ['hour', 0, 0.75, 2], ['hour', 3_600_000, 0.25, 1],
    ]);
  });

  test('rows older than retention are deleted at a flush', async () => {
    const { proc, settings, started } = setupCost({ ...PRICES, retention: '2d' });
    await started;
    const ins = settings.store.handle.prepare("INSERT INTO cost_rollups VALUES ('day', ?, 's', 'llm', 'm', '', '', 1, 1, 0)");
    ins.run(HOUR - 3 * 86_400_000);
    ins.run(HOUR - 2 * 86_400_000);
    await proc.consume(traces({ 'service.name': 'chat' }, [call(250)]));
    await settings.clock.advance(10_000);
    expect(rows(settings.store).filter((x) => x.period === 'day').map((x) => (x.start_ms - HOUR) / 86_400_000)).toEqual([-2, 0]);
  });

  test('a store reopened without shutdown (a crash) holds every flushed row; the next agent adds to them', async () => {
    const path = join(tempDir(), 'outrider.db');
    const onFile = () => {
      const s = testSettings('cost');
      s.store = new Store(path);
      s.host = testHost([[METRICS, s.registry], [SIGNALS, s.signals], [STORE, s.store]]);
      return s;
    };
    const s1 = onFile();
    const a = setupCost(PRICES, s1);
    await a.started;
    await a.proc.consume(traces({ 'service.name': 'chat' }, [call(250)]));
    await s1.clock.advance(10_000); // flushed
    await a.proc.consume(traces({ 'service.name': 'chat' }, [call(500)])); // within the interval: lost in a crash
    // crash: no shutdown; a new process opens the file
    const s2 = onFile();
    expect(rows(s2.store).map((x) => [x.period, x.usd])).toEqual([['day', 0.25], ['hour', 0.25]]);
    const b = setupCost(PRICES, s2);
    await b.started;
    await b.proc.consume(traces({ 'service.name': 'chat' }, [call(250)]));
    await b.proc.shutdown();
    expect(rows(s2.store).map((x) => [x.period, x.usd, x.spans])).toEqual([['day', 0.5, 2], ['hour', 0.5, 2]]);
  });
});
