// The `signals` service: the bounded ring of derived series that rules, the API and the console read.
import { once } from '../component.js';
import { defineService, type ServiceFactory } from '../service.js';
import { signalsConfigSchema, type SignalsConfig } from '../signals/config.js';
import { SIGNALS, SignalStore, type Signals } from '../signals/signals.js';

export const signalsServiceFactory: ServiceFactory<SignalsConfig, Signals> = defineService('signals', 'signals', signalsConfigSchema, (settings, config) => {
    const overflow = settings.meter.createCounter('outrider_signals_overflow_writes', {
      description: 'Writes to a signal that went to its overflow series because max_series was reached.',
    });
    const store = new SignalStore(settings.clock, config, overflow);
    const series = settings.meter.createObservableGauge('outrider_signals_series', { description: 'Live series in the signals ring.' });
    const observe = (r: { observe(v: number): void }) => r.observe(store.seriesCount);
    return {
      key: SIGNALS,
      api: store,
      start: async () => { store.start(); series.addCallback(observe); },
      shutdown: once(async () => { store.stop(); series.removeCallback(observe); }),
    };
});
