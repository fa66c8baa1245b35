// Helpers for the tail_sampling tests: trace ids with chosen randomness, spans, a sampler on a fake clock.
import type { AnyValue, Span, TracesData } from '../../agent/pdata/model.js';
import { span, traces } from '../../test/fixtures/prometheus/otlp.js';
import { testHost, testSettings, type TestSettings } from '../../test/kit/settings.js';
import { ADMISSION, type Admission } from '../../agent/admission.js';
import { METRICS } from '../../agent/metric-registry.js';
import { SIGNALS } from '../../agent/signals/signals.js';
import { tailSamplingFactory } from './index.js';
import type { TailSampler } from './tail_sampling.js';

/** A trace id numbered `n` whose low 56 bits (the OTEP 235 randomness) are `r`. */
export function traceId(n: number, r = 0x80000000000000n): Uint8Array {
  const id = new Uint8Array(16);
  new DataView(id.buffer).setUint32(0, n);
  for (let i = 15; i >= 9; i--) { id[i] = Number(r & 0xffn); r >>= 8n; }
  return id;
}

/** A span of trace `n`; a root unless `child`. */
export function tspan(n: number, o: Partial<Span> & { child?: boolean; attrs?: Record<string, AnyValue>; r?: bigint; ms?: number } = {}): Span {
  const { child, attrs, r, ms, ...rest } = o;
  return span({
    name: 'op', traceId: traceId(n, r), spanId: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, child ? 2 : 1),
    parentSpanId: child ? Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) : new Uint8Array(0),
    attributes: Object.entries(attrs ?? {}).map(([key, value]) => ({ key, value })),
    ...(ms !== undefined ? { endTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(Math.round(ms * 1e6)) } : {}),
    ...rest,
  });
}

/** One batch of spans under resource `res`. */
export function batch(spans: Span[], res: Record<string, AnyValue> = { 'service.name': 'checkout' }): TracesData {
  return traces(res, spans);
}

export function spansOf(tds: TracesData[]): Span[] {
  return tds.flatMap((td) => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
}

/** The number of the trace a span belongs to (see {@link traceId}). */
export function traceNo(s: Span): number {
  return new DataView(s.traceId.buffer, s.traceId.byteOffset).getUint32(0);
}

export function attr(s: Span, key: string): AnyValue | undefined {
  return s.attributes.find((a) => a.key === key)?.value;
}

/** A started tail sampler on a fake clock with a sink (and the given admission service); `kept()` lists the trace numbers that reached the sink. */
export async function sampler(cfg: Record<string, unknown>, o: { admission?: Admission; refuse?: (d: TracesData) => Error | undefined } = {}): Promise<{ p: TailSampler; settings: TestSettings; got: TracesData[]; spans: () => Span[]; kept: () => number[] }> {
  const settings = testSettings('tail_sampling', 'traces');
  const got: TracesData[] = [];
  // `refuse` says whether the next consumer refuses a delivery, and with what
  const next = { consume: async (d: TracesData) => { const e = o.refuse?.(d); if (e) throw e; got.push(d); } };
  const p = tailSamplingFactory.create.traces!(settings, tailSamplingFactory.parse(cfg), next) as TailSampler;
  await p.start(o.admission ? testHost([[METRICS, settings.registry], [SIGNALS, settings.signals], [ADMISSION, o.admission]]) : settings.host);
  const spans = () => spansOf(got);
  return { p, settings, got, spans, kept: () => [...new Set(spans().map(traceNo))].sort((a, b) => a - b) };
}
