// Bench of /metrics: render time and size for 20,000 translated series, and the spanmetrics
// overhead on an in-process pipeline (OTLP/HTTP protobuf in → [spanmetrics] → nop).
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Agent } from '../agent/agent.js';
import { systemClock } from '../agent/clock.js';
import type { Metric, MetricsData } from '../agent/pdata/model.js';
import { encodeTracesRequest } from '../agent/pdata/proto-encode.js';
import { prometheusExporterFactory } from '../exporters/prometheus/index.js';
import { spanMetricsProcessorFactory } from '../processors/spanmetrics/index.js';
import { SpanMetricsProcessor } from '../processors/spanmetrics/spanmetrics.js';
import { testSettings } from '../test/kit/settings.js';
import { makeTracesData } from './fixtures.js';

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };

/** 20,000 series: 10,000 counters, 8,000 gauges and 2,000 ten-bucket histograms over 200 label sets × 100 routes. */
function bigBatch(): MetricsData {
  const t0 = BigInt(Date.now()) * 1_000_000n;
  const point = (i: number, value: number) => ({
    attributes: [{ key: 'http.route', value: `/api/v1/items/${i % 100}` }, { key: 'pod', value: `pod-${Math.floor(i / 100)}` }, { key: 'http.method', value: 'GET' }],
    startTimeUnixNano: t0, timeUnixNano: t0 + 1_000_000_000n, value, exemplars: [], flags: 0,
  });
  const bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  const metrics: Metric[] = [
    { name: 'http.server.requests', unit: '{request}', description: 'Requests.', metadata: [],
      data: { type: 'sum', isMonotonic: true, aggregationTemporality: 2, dataPoints: Array.from({ length: 10_000 }, (_, i) => point(i, i * 3)) } },
    { name: 'app.inflight', unit: '{request}', description: 'In flight.', metadata: [],
      data: { type: 'gauge', dataPoints: Array.from({ length: 8_000 }, (_, i) => point(i, i % 17)) } },
    { name: 'http.server.request.duration', unit: 's', description: 'Duration.', metadata: [],
      data: { type: 'histogram', aggregationTemporality: 2, dataPoints: Array.from({ length: 2_000 }, (_, i) => ({
        ...point(i, 0), count: 100, sum: 12.5, bucketCounts: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10], explicitBounds: bounds, min: undefined, max: undefined,
      })) } },
  ];
  return { resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: 'bench' }], droppedAttributesCount: 0 }, schemaUrl: '',
    scopeMetrics: [{ scope: { name: 'bench', version: '1', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', metrics }] }] };
}

/** Renders a registry holding 20,000 translated series; median of `runs` scrapes (text 0.0.4). */
export async function benchScrape(runs = 9): Promise<{ series: number; ms: number; bytes: number; omMs: number; translateMs: number }> {
  const settings = testSettings('prometheus', { clock: systemClock });
  const registry = settings.registry;
  const exp = prometheusExporterFactory.create(settings, prometheusExporterFactory.createDefaultConfig(), ['metrics']);
  await exp.start(settings.host);
  const batch = bigBatch();
  let t = performance.now();
  await exp.metrics!.consume(batch);
  const translateMs = performance.now() - t;
  const times: number[] = [];
  const omTimes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    const { body } = await registry.render(undefined);
    times.push(performance.now() - t);
    bytes = Buffer.byteLength(body);
    t = performance.now();
    await registry.render('application/openmetrics-text; version=1.0.0');
    omTimes.push(performance.now() - t);
  }
  await exp.shutdown();
  await settings.telemetry.meterProvider.shutdown();
  return { series: 20_000, ms: median(times), bytes, omMs: median(omTimes), translateMs };
}

const yaml = (dir: string, withSpanMetrics: boolean) => ({
  storage: { path: join(dir, `${withSpanMetrics}.db`) },
  receivers: { otlp: { protocols: { http: { endpoint: '127.0.0.1:0' } } } },
  processors: { spanmetrics: { dimensions: ['http.route'] }, batch: {} },
  exporters: { nop: {} },
  service: {
    telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } },
    pipelines: { traces: { receivers: ['otlp'], processors: withSpanMetrics ? ['spanmetrics', 'batch'] : ['batch'], exporters: ['nop'] } },
  },
});

async function throughput(withSpanMetrics: boolean, body: Uint8Array, spansPerRequest: number, seconds: number, concurrency: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'outrider-bench-'));
  const agent = await Agent.start(yaml(dir, withSpanMetrics), { factories: [spanMetricsProcessorFactory, prometheusExporterFactory] });
  const http = agent.component<{ endpoints: { http?: string } }>('receiver', 'otlp')!.endpoints.http!;
  const url = `http://${http}/v1/traces`;
  const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: body as BodyInit }).then((r) => r.arrayBuffer());
  try {
    const run = async (ms: number) => {
      let n = 0;
      const until = performance.now() + ms;
      await Promise.all(Array.from({ length: concurrency }, async () => { while (performance.now() < until) { await post(); n++; } }));
      return n;
    };
    await run(500); // warm-up
    const t = performance.now();
    const n = await run(seconds * 1000);
    return (n * spansPerRequest) / ((performance.now() - t) / 1000);
  } finally {
    await agent.stop();
  }
}

/** ns of CPU per span spent in spanmetrics `record()` (median of rounds over realistic batches). */
export async function benchSpanMetricsRecord(rounds = 9, batches = 200): Promise<number> {
  const settings = testSettings('spanmetrics', { clock: systemClock });
  const proc = new SpanMetricsProcessor(settings, spanMetricsProcessorFactory.parse({ dimensions: ['http.route'] }), { consume: async () => {} });
  await proc.start(settings.host);
  const td = makeTracesData({ resources: 5, spansPerResource: 100 });
  const spans = 500;
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batches; i++) proc.record(td);
    times.push(Number(process.hrtime.bigint() - t) / (batches * spans));
  }
  return median(times);
}

/**
 * spanmetrics overhead on the in-process pipeline (OTLP/HTTP protobuf → [spanmetrics] → batch → nop):
 * measured spans/s with and without (alternating rounds, medians), and the CPU estimate
 * `recordNsPerSpan × spans/s`, the share of each span's budget spent in spanmetrics, which is
 * stable on a shared, noisy machine where the throughput ratio is not.
 */
export async function benchSpanMetricsOverhead(rounds = 5, seconds = 2, concurrency = 8): Promise<{
  withoutSpansPerSec: number; withSpansPerSec: number; measuredOverheadPct: number; recordNsPerSpan: number; cpuOverheadPct: number;
}> {
  const spansPerRequest = 500;
  const body = encodeTracesRequest(makeTracesData({ resources: 5, spansPerResource: 100 }));
  const without: number[] = [];
  const withSm: number[] = [];
  for (let i = 0; i < rounds; i++) {
    without.push(await throughput(false, body, spansPerRequest, seconds, concurrency));
    withSm.push(await throughput(true, body, spansPerRequest, seconds, concurrency));
  }
  const a = median(without);
  const b = median(withSm);
  const recordNsPerSpan = await benchSpanMetricsRecord();
  const pct = (x: number) => Math.round(x * 1000) / 10;
  return { withoutSpansPerSec: Math.round(a), withSpansPerSec: Math.round(b), measuredOverheadPct: pct(1 - b / a),
    recordNsPerSpan: Math.round(recordNsPerSpan), cpuOverheadPct: pct((recordNsPerSpan * a) / 1e9) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const s = await benchScrape();
  console.log(`scrape of ${s.series} series: text ${s.ms.toFixed(1)} ms, OpenMetrics ${s.omMs.toFixed(1)} ms, ${s.bytes} bytes (translate ${s.translateMs.toFixed(0)} ms)`);
  const o = await benchSpanMetricsOverhead();
  console.log(`pipeline spans/s without spanmetrics ${o.withoutSpansPerSec}, with ${o.withSpansPerSec}: measured overhead ${o.measuredOverheadPct} %;`
    + ` spanmetrics ${o.recordNsPerSpan} ns/span → CPU overhead ${o.cpuOverheadPct} %`);
}
