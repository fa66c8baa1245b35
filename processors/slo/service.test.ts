// The slo service: processors attach their SLO state under their id; a reload's replacement takes over.
import { describe, expect, test } from 'vitest';
import type { TracesData } from '../../agent/pdata/model.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { testHost, testSettings } from '../../test/kit/settings.js';
import { METRICS } from '../../agent/metric-registry.js';
import { STORE } from '../../agent/services/store-service.js';
import { SIGNALS } from '../../agent/signals/signals.js';
import { SLO } from './api.js';
import { sloProcessorFactory } from './index.js';
import { SloRegistry, sloServiceFactory } from './service.js';
import type { SloProcessor } from './slo.js';

const cfg = (objective: number) => sloProcessorFactory.parse({ objectives: [{ name: 'pay', service: 'checkout', sli: 'availability', objective }] });

describe('slo service', () => {
  test('reads the attached processors; the replacement of a reload takes over, the old one\'s detach leaves it', async () => {
    const s = testSettings('slo');
    const board = new SloRegistry();
    const host = testHost([[METRICS, s.registry], [SIGNALS, s.signals], [STORE, s.store], [SLO, board]]);
    const old = sloProcessorFactory.create.traces!(s, cfg(0.99), f.sink<TracesData>()) as SloProcessor;
    await old.start(host);
    await old.consume(f.traces({ 'service.name': 'checkout' }, [f.span({ name: 'a', status: { message: '', code: 2 } })]));
    expect(board.get('pay')).toMatchObject({ objective: 0.99, good: 0, total: 1 });
    expect(board.badTraceIds('pay')).toEqual(['01'.repeat(16)]);
    const next = sloProcessorFactory.create.traces!(s, cfg(0.9), f.sink<TracesData>()) as SloProcessor;
    await next.start(host);
    await old.shutdown();
    expect(board.list().map((st) => st.objective)).toEqual([0.9]);
    expect(board.get('pay')!.total).toBe(1); // the old instance's count, flushed and read back
    await next.shutdown();
    expect(board.list()).toEqual([]);
    expect(board.get('pay')).toBeUndefined();
  });

  test('its section takes no keys yet', () => {
    expect(sloServiceFactory.validate({ x: 1 }).length).toBe(1);
    expect(sloServiceFactory.validate(undefined)).toEqual([]);
  });
});
