// npm run bench: every figure in one run, so ratios compare like with like on a noisy machine.
// Prints one table and writes bench/results/<date>.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { benchDecode } from './decode.js';
import { benchScrape, benchSpanMetricsRecord } from './scrape.js';
import { benchExportEncode } from './export-encode.js';
import { benchBufferedSpanMemory } from './tail-sampling-memory.js';
import { benchSloCount, benchSloStartup, SLO_PROCESSOR_YAML } from './slo.js';
import { benchAlertingEvaluation } from './alerting.js';
import { idleRssMedian } from './idle-rss.js';
import { cpuSeconds, rssMib, runLoadgen, runSteadyLoad, startAgent, startNullSink, startTransportFloor, type Target } from './servers.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };

const receiver = `
storage: { path: "{dir}/outrider.db" }
receivers:
  otlp: { protocols: { grpc: { endpoint: "127.0.0.1:{grpc}" }, http: { endpoint: "127.0.0.1:{http}" } } }
`;

/** A traces pipeline otlp → `chain` → nop, with the `processors:` section's lines (each indented by 2). */
function toNop(processors: string, chain: string): string {
  return `${receiver}
processors:${processors}exporters: { nop: {} }
service:
  telemetry: { endpoint: "127.0.0.1:{tel}", logs: { level: warn } }
  pipelines:
    traces: { receivers: [otlp], processors: [${chain}], exporters: [nop] }
`;
}

/** The tail sampler of the bench scenarios: errors, slow traces and 10 % of the rest, a 10 s wait. */
const TAIL_SAMPLING_YAML = `  tail_sampling:
    decision_wait: 10s
    num_traces: 20000
    policies:
      - { name: errors, type: status_code, status_code: { status_codes: [ERROR] } }
      - { name: slow, type: latency, latency: { threshold_ms: 500 } }
      - { name: rest, type: probabilistic, probabilistic: { sampling_percentage: 10 } }`;

/** The whole traces pipeline of a production sidecar, OTLP in to OTLP out. */
const FULL = 'full: otlp → memory_limiter → redaction → cost → spanmetrics → slo (20) → tail_sampling → batch → otlp out (new trace ids per request)';

/** Agent scenarios: name → config. Each is measured against the null sink in the same run. */
const RECEIVE_AND_DROP = 'receive-and-drop (otlp → nop)';

/** otlp → batch → otlp out: the contrib testbed's 10k spans/s pipeline (TestTrace10kSPS, OTLP-gRPC). */
const PASS_THROUGH_YAML = `${receiver}
processors: { batch: {} }
exporters:
  otlp/out: { endpoint: "{sink}", tls: { insecure: true }, compression: none }
service:
  telemetry: { endpoint: "127.0.0.1:{tel}", logs: { level: warn } }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp/out] }
`;

/**
 * What a steady 10,000 spans/s costs below the full pipeline, measured beside it: bare node:http2
 * answering each call (transport-floor.ts), the agent receiving and decoding with nothing behind,
 * and the agent batching what it receives and sending it on to a null sink (no other processor).
 */
type Floor = 'transport' | 'receiveAndDrop' | 'passThrough';

export const scenarios: Record<string, string> = {
  [RECEIVE_AND_DROP]: `${receiver}
exporters: { nop: {} }
service:
  telemetry: { endpoint: "127.0.0.1:{tel}", logs: { level: warn } }
  pipelines:
    traces: { receivers: [otlp], exporters: [nop] }
`,
  'otlp → memory_limiter → spanmetrics → batch → nop': toNop(`
  memory_limiter: { limit_mib: 1500, spike_limit_mib: 300 }
  spanmetrics: { dimensions: [http.route] }
  batch: {}
`, 'memory_limiter, spanmetrics, batch'),
  'otlp → memory_limiter → cost → spanmetrics → batch → nop': toNop(`
  memory_limiter: { limit_mib: 1500, spike_limit_mib: 300 }
  cost: { ingest: { destinations: [ { name: vendor, usd_per_gb: 0.25 } ] }, attribution: { keys: [http.route] } }
  spanmetrics: { dimensions: [http.route] }
  batch: {}
`, 'memory_limiter, cost, spanmetrics, batch'),
  'otlp → memory_limiter → spanmetrics → slo (20 SLOs) → batch → nop': toNop(`
  memory_limiter: { limit_mib: 1500, spike_limit_mib: 300 }
  spanmetrics: { dimensions: [http.route] }
  ${SLO_PROCESSOR_YAML}
  batch: {}
`, 'memory_limiter, spanmetrics, slo, batch'),
  'otlp → batch → otlp out (memory queue) → null sink': PASS_THROUGH_YAML,
  'otlp → otlp out (sqlite queue, no batch: kill -9 safe) → null sink': `${receiver}
exporters:
  otlp/out: { endpoint: "{sink}", tls: { insecure: true }, compression: none, sending_queue: { storage: sqlite } }
service:
  telemetry: { endpoint: "127.0.0.1:{tel}", logs: { level: warn } }
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp/out] }
`,
  'otlp → memory_limiter → batch → nop (new trace ids per request)': toNop(`
  memory_limiter: { limit_mib: 1500, spike_limit_mib: 300 }
  batch: {}
`, 'memory_limiter, batch'),
  'otlp → memory_limiter → tail_sampling (10s wait) → batch → nop (new trace ids per request)': toNop(`
  memory_limiter: { limit_mib: 1500, spike_limit_mib: 300 }
${TAIL_SAMPLING_YAML}
  batch: {}
`, 'memory_limiter, tail_sampling, batch'),
  // the default config's traces chain without and with redaction (its defaults); BENCH_ONLY=redaction runs both
  'redaction off: otlp → memory_limiter → spanmetrics → batch → nop': toNop(`
  memory_limiter: { limit_mib: 1500, spike_limit_mib: 300 }
  spanmetrics: { dimensions: [http.route] }
  batch: {}
`, 'memory_limiter, spanmetrics, batch'),
  'redaction on: otlp → memory_limiter → redaction → spanmetrics → batch → nop': toNop(`
  memory_limiter: { limit_mib: 1500, spike_limit_mib: 300 }
  redaction: {}
  spanmetrics: { dimensions: [http.route] }
  batch: {}
`, 'memory_limiter, redaction, spanmetrics, batch'),
  [FULL]: `${receiver}
processors:
  memory_limiter: { limit_mib: 1500, spike_limit_mib: 300 }
  redaction: {}
  cost: { ingest: { destinations: [ { name: vendor, usd_per_gb: 0.25 } ] }, attribution: { keys: [http.route] } }
  spanmetrics: { dimensions: [http.route] }
  ${SLO_PROCESSOR_YAML}
${TAIL_SAMPLING_YAML}
  batch: {}
exporters:
  otlp/out: { endpoint: "{sink}", tls: { insecure: true }, compression: none }
service:
  telemetry: { endpoint: "127.0.0.1:{tel}", logs: { level: warn } }
  pipelines:
    traces: { receivers: [otlp], processors: [memory_limiter, redaction, cost, spanmetrics, slo, tail_sampling, batch], exporters: [otlp/out] }
`,
  'otlp → memory_limiter → batch → nop': toNop(`
  memory_limiter: { limit_mib: 1500, spike_limit_mib: 300 }
  batch: {}
`, 'memory_limiter, batch'),
};

interface Row { name: string; spansPerSec: number; ratio: number; cpuUsPerSpan: number; p50Ms: number; p99Ms: number; rssIdleMib?: number; rssLoadMib?: number; errors: number }

/** Starts an agent scenario; a `{sink}` in its config is a downstream null sink started for it. */
async function startScenario(name: string, yaml: string): Promise<Target> {
  if (!yaml.includes('{sink}')) return startAgent(name, yaml);
  const downstream = await startNullSink();
  const agent = await startAgent(name, yaml.replaceAll('{sink}', downstream.address));
  return { ...agent, stop: async () => { await agent.stop(); await downstream.stop(); } };
}

/** Scenarios whose load carries new trace ids in every request (what a tail sampler sees in production). */
const NEW_TRACES = '(new trace ids per request)';

async function measure(start: () => Promise<Target>, uniqueTraces = false): Promise<{ spansPerSec: number; p50Ms: number; p99Ms: number; errors: number; rssIdle: number; rssLoad: number; cpuUsPerSpan: number }> {
  const target = await start();
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const rssIdle = rssMib(target.pid);
    const samples: number[] = [];
    const sampler = setInterval(() => { try { samples.push(rssMib(target.pid)); } catch { /* exited */ } }, 250);
    await runLoadgen(target.address, 1, CONCURRENCY, uniqueTraces); // warm-up
    const cpu0 = cpuSeconds(target.pid);
    const r = await runLoadgen(target.address, SECONDS, CONCURRENCY, uniqueTraces);
    // CPU time of the target per span: steadier than throughput when other work shares the cores
    const cpuUsPerSpan = ((cpuSeconds(target.pid) - cpu0) * 1e6) / (r.spansPerSec * SECONDS);
    clearInterval(sampler);
    return { ...r, rssIdle, rssLoad: median(samples), cpuUsPerSpan };
  } finally {
    await target.stop();
  }
}

/**
 * The full pipeline at steady rates: request latency at half its measured throughput beside the
 * null sink at the same rate (the difference is the latency the agent adds), and the CPU share of a
 * core at a steady 10,000 spans/s. Each figure is the median of ROUNDS runs, the sink's and the
 * agent's interleaved (one agent, warmed up once): a single run's p99 on a shared machine is as much
 * the machine's as the agent's.
 */
async function steadyFigures(yaml: string, fullSpansPerSec: number): Promise<{ halfRate: number; p50Ms: number; p99Ms: number; sinkP99Ms: number; addedP99Ms: number; cpuShareAt10k: number; refusedAt10k: number; floorsAt10k: Record<Floor, number> }> {
  const halfRate = Math.round(fullSpansPerSec / 2 / 100) * 100;
  process.stderr.write(`full pipeline at a steady ${halfRate} spans/s (half its throughput) and at 10,000 spans/s, beside the floors at 10,000 spans/s, ${ROUNDS} rounds\n`);
  const started: Target[] = [];
  const start = async (t: Promise<Target>): Promise<Target> => { const target = await t; started.push(target); return target; };
  const sinkP99: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  const cpu: number[] = [];
  const floorCpu: Record<Floor, number[]> = { transport: [], receiveAndDrop: [], passThrough: [] };
  let refused = 0;
  /** CPU share of a core `target` used while taking a steady 10,000 spans/s. */
  const cpuAt10k = async (target: Target): Promise<{ share: number; refused: number }> => {
    await new Promise((r) => setTimeout(r, 1000));
    const cpu0 = cpuSeconds(target.pid);
    const t0 = Date.now();
    const r = await runSteadyLoad(target.address, 10_000, SECONDS * 2);
    return { share: (cpuSeconds(target.pid) - cpu0) / ((Date.now() - t0) / 1000), refused: r.refused };
  };
  try {
    const sink = await start(startNullSink());
    const agent = await start(startScenario(FULL, yaml));
    const floors: Record<Floor, Target> = {
      transport: await start(startTransportFloor()),
      receiveAndDrop: await start(startScenario(RECEIVE_AND_DROP, scenarios[RECEIVE_AND_DROP]!)),
      passThrough: await start(startScenario('pass-through', PASS_THROUGH_YAML)),
    };
    for (const t of [agent, ...Object.values(floors)]) await runLoadgen(t.address, 1, CONCURRENCY, true); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      sinkP99.push((await runSteadyLoad(sink.address, halfRate, SECONDS * 2)).p99Ms);
      const half = await runSteadyLoad(agent.address, halfRate, SECONDS * 2);
      p50.push(half.p50Ms);
      p99.push(half.p99Ms);
      const at10k = await cpuAt10k(agent);
      cpu.push(at10k.share);
      refused += at10k.refused; // every round's: a refusal in any of them shows
      for (const [name, t] of Object.entries(floors) as Array<[Floor, Target]>) floorCpu[name].push((await cpuAt10k(t)).share);
    }
    const sinkP99Ms = median(sinkP99);
    const p99Ms = median(p99);
    const floorsAt10k = Object.fromEntries(Object.entries(floorCpu).map(([k, v]) => [k, median(v)])) as Record<Floor, number>;
    return { halfRate, p50Ms: median(p50), p99Ms, sinkP99Ms, addedP99Ms: p99Ms - sinkP99Ms, cpuShareAt10k: median(cpu), refusedAt10k: refused, floorsAt10k };
  } finally {
    for (const t of started) await t.stop();
  }
}

async function main(): Promise<void> {
  const results: Record<string, Array<Awaited<ReturnType<typeof measure>>>> = { 'null-sink': [] };
  // BENCH_ONLY=text runs only the scenarios whose name contains it (the null sink always runs)
  const only = process.env.BENCH_ONLY;
  const chosen = Object.entries(scenarios).filter(([name]) => !only || name.includes(only));
  for (const [name] of chosen) results[name] = [];
  for (let round = 0; round < ROUNDS; round++) {
    process.stderr.write(`round ${round + 1}/${ROUNDS}\n`);
    results['null-sink']!.push(await measure(startNullSink));
    for (const [name, yaml] of chosen) results[name]!.push(await measure(() => startScenario(name, yaml), name.includes(NEW_TRACES)));
  }
  const base = median(results['null-sink']!.map((r) => r.spansPerSec));
  const rows: Row[] = Object.entries(results).map(([name, rs]) => ({
    name,
    spansPerSec: median(rs.map((r) => r.spansPerSec)),
    ratio: median(rs.map((r) => r.spansPerSec)) / base,
    cpuUsPerSpan: median(rs.map((r) => r.cpuUsPerSpan)),
    p50Ms: median(rs.map((r) => r.p50Ms)),
    p99Ms: median(rs.map((r) => r.p99Ms)),
    rssIdleMib: median(rs.map((r) => r.rssIdle)),
    rssLoadMib: median(rs.map((r) => r.rssLoad)),
    errors: rs.reduce((a, r) => a + r.errors, 0),
  }));

  const fullRow = rows.find((r) => r.name === FULL);
  const steady = fullRow ? await steadyFigures(scenarios[FULL]!, fullRow.spansPerSec) : undefined;
  process.stderr.write('idle RSS on the default config (3 agents, medians)\n');
  const idle = await idleRssMedian(3);
  process.stderr.write('decoder micro-benchmark\n');
  const decode = await benchDecode(15);
  process.stderr.write('scrape and spanmetrics micro-benchmarks\n');
  const scrape = await benchScrape();
  const spanmetricsNsPerSpan = await benchSpanMetricsRecord();
  process.stderr.write('export encoder micro-benchmark\n');
  const encode = await benchExportEncode();
  const withSm = rows.find((r) => r.name === 'otlp → memory_limiter → spanmetrics → batch → nop');
  const withCost = rows.find((r) => r.name.includes('cost'));
  const costOverhead = withCost && withSm ? 1 - withCost.spansPerSec / withSm.spansPerSec : NaN;
  process.stderr.write('tail sampling buffer memory\n');
  const buffered = await benchBufferedSpanMemory();
  const withTail = rows.find((r) => r.name.includes('tail_sampling'));
  const withoutTail = rows.find((r) => r.name === `otlp → memory_limiter → batch → nop ${NEW_TRACES}`);
  const tailRatio = withTail && withoutTail ? withTail.spansPerSec / withoutTail.spansPerSec : NaN;
  process.stderr.write('slo micro-benchmarks\n');
  const sloNsPerSpan = await benchSloCount();
  const sloStartup = await benchSloStartup();
  const withSlo = rows.find((r) => r.name.includes('slo (20 SLOs)'));
  process.stderr.write('alerting micro-benchmark\n');
  const alerting = await benchAlertingEvaluation();
  const sloOverhead = withSm && withSlo ? 1 - withSlo.spansPerSec / withSm.spansPerSec : NaN;
  const withoutSm = rows.find((r) => r.name === 'otlp → memory_limiter → batch → nop');
  const smOverhead = withSm && withoutSm ? 1 - withSm.spansPerSec / withoutSm.spansPerSec : NaN;

  const redactionOn = rows.find((r) => r.name.startsWith('redaction on:'));
  const redactionOff = rows.find((r) => r.name.startsWith('redaction off:'));
  const redactionRatio = redactionOn && redactionOff ? redactionOn.spansPerSec / redactionOff.spansPerSec : NaN;
  const redactionCpu = redactionOn && redactionOff ? redactionOn.cpuUsPerSpan / redactionOff.cpuUsPerSpan : NaN;

  const table = [
    `Outrider bench — ${new Date().toISOString()} — ${SECONDS}s × ${ROUNDS} rounds, ${CONCURRENCY} requests in flight, 100 spans/request (medians)`,
    '',
    `${'scenario'.padEnd(68)} ${'spans/s'.padStart(10)} ${'ratio'.padStart(6)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'rdy MiB '.padStart(9)} ${'load MiB'.padStart(9)} ${'errors'.padStart(6)} ${'cpu µs/span'.padStart(11)}`,
    ...rows.map((r) => `${r.name.padEnd(68)} ${r.spansPerSec.toFixed(0).padStart(10)} ${r.ratio.toFixed(2).padStart(6)} ${r.p50Ms.toFixed(2).padStart(7)} ${r.p99Ms.toFixed(2).padStart(7)} ${(r.rssIdleMib ?? NaN).toFixed(1).padStart(9)} ${(r.rssLoadMib ?? NaN).toFixed(1).padStart(9)} ${String(r.errors).padStart(6)} ${r.cpuUsPerSpan.toFixed(2).padStart(11)}`),
    '',
    `default config (npm start): /readyz 200 ${idle.readyMs} ms after spawn; idle RSS ${idle.afterReadyMib.toFixed(1)} MiB 2 s after ready, ${idle.settledMib.toFixed(1)} MiB (${(idle.settledMib * 1.048576).toFixed(1)} MB) after 15 s idle`,
    `decoder: outrider ${decode.ours.spansPerSec.toFixed(0)} spans/s vs protobufjs reflection ${decode.protobufjs.spansPerSec.toFixed(0)} spans/s — ${decode.ratio.toFixed(2)}×`,
    `scrape: ${scrape.series} series rendered in ${scrape.ms.toFixed(1)} ms (OpenMetrics ${scrape.omMs.toFixed(1)} ms), ${(scrape.bytes / 1e6).toFixed(2)} MB`,
    `export encoder: direct ${encode.direct.spansPerSec.toFixed(0)} spans/s vs SDK path (ReadableSpan views + ProtobufTraceSerializer) ${encode.sdkPath.spansPerSec.toFixed(0)} spans/s — ${encode.ratio.toFixed(2)}×`,
    `spanmetrics: ${spanmetricsNsPerSpan.toFixed(0)} ns/span recorded; end-to-end overhead ${(smOverhead * 100).toFixed(1)} % (with vs without, same run)`,
    `cost: end-to-end overhead ${(costOverhead * 100).toFixed(1)} % (memory_limiter → cost → spanmetrics → batch vs the same without cost, same run)`,
    `tail_sampling (10 s wait, num_traces 20000): ${withTail?.spansPerSec.toFixed(0) ?? 'n/a'} spans/s, ${tailRatio.toFixed(2)}× the same pipeline without it (same run); buffered span ${buffered.bufferedBytesPerSpan.toFixed(0)} B heap + array buffers (${buffered.rssBytesPerSpan.toFixed(0)} B RSS) vs ${buffered.encodedBytesPerSpan.toFixed(0)} B encoded, ${buffered.decodedBytesPerSpan.toFixed(0)} B decoded — ${(buffered.bufferedBytesPerSpan - buffered.encodedBytesPerSpan).toFixed(0)} B over encoded`,
    `slo (20 SLOs): ${sloNsPerSpan.toFixed(0)} ns/span counted; end-to-end overhead ${(sloOverhead * 100).toFixed(1)} % (spanmetrics pipeline with vs without slo, same run), CPU estimate ${withSlo ? ((sloNsPerSpan * withSlo.spansPerSec) / 1e7).toFixed(1) : 'NaN'} % of a core at its rate; start-up with 30 days × 20 SLOs of minute buckets (${sloStartup.rows} rows) ${sloStartup.ms.toFixed(0)} ms`,
    `alerting: one evaluation of ${alerting.rules} rules (3 distinct queries: error ratio, p99, rate by service) over ${alerting.series} span series ${alerting.msPerEvaluation.toFixed(1)} ms, every 15 s: ${(alerting.coreShare * 100).toFixed(2)} % of a core`,
    `redaction ({}: cards, bearer tokens, JWTs, AWS keys, credential keys): ${redactionRatio.toFixed(3)}× the throughput without it (same run, rounds interleaved), CPU per span ${redactionCpu.toFixed(3)}× (${redactionOff?.cpuUsPerSpan.toFixed(2)} → ${redactionOn?.cpuUsPerSpan.toFixed(2)} µs)`,
    '',
    ...fullTable(fullRow, rows.find((r) => r.name === 'null-sink'), steady, idle, buffered),
  ];
  process.stdout.write(table.join('\n') + '\n');

  const dir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), seconds: SECONDS, rounds: ROUNDS, concurrency: CONCURRENCY, rows, idle, decode, encode, scrape, spanmetrics: { nsPerSpan: spanmetricsNsPerSpan, overhead: smOverhead }, cost: { overhead: costOverhead }, redaction: { ratio: redactionRatio, cpuRatio: redactionCpu }, full: { row: fullRow, steady }, alerting, tailSampling: { ratio: tailRatio, buffered }, slo: { nsPerSpan: sloNsPerSpan, overhead: sloOverhead, startup: sloStartup } }, null, 2) + '\n');
  process.stdout.write(`results written to ${file}\n`);
}

/**
 * The one table: the full pipeline beside the null sink of the same run, and the OpenTelemetry
 * Collector's published figures (its removed performance.md and the contrib testbed's CI limits).
 */
function fullTable(full: Row | undefined, sink: Row | undefined, steady: Awaited<ReturnType<typeof steadyFigures>> | undefined,
  idle: { settledMib: number }, buffered: { bufferedBytesPerSpan: number; encodedBytesPerSpan: number }): string[] {
  const f = (n: number | undefined, d = 0) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(d));
  const line = (what: string, ours: string, collector: string) => `${what.padEnd(48)} ${ours.padEnd(34)} ${collector}`;
  return [
    'full traces pipeline vs the OpenTelemetry Collector\'s published figures (this 2-core machine, shared; Collector: its own hardware)',
    line('figure', 'Outrider (this run)', 'Collector (published)'),
    line('null sink (decode only), spans/s', f(sink?.spansPerSec), '—'),
    line('full pipeline throughput, spans/s', `${f(full?.spansPerSec)} (${f(full?.ratio, 2)}× null sink)`, '~24K sustained on 2 CPU, ~18K with tail_sampling (performance.md, v0.1.3)'),
    line(`p99 added latency at ${f(steady?.halfRate)} spans/s (50 %)`, `${f(steady?.addedP99Ms, 2)} ms (agent ${f(steady?.p99Ms, 2)}, sink ${f(steady?.sinkP99Ms, 2)})`, 'not published'),
    line('CPU at a steady 10,000 spans/s', `${f((steady?.cpuShareAt10k ?? NaN) * 100, 1)} % of a core (${f(steady?.refusedAt10k)} spans refused)`, 'not published for a full pipeline'),
    line('  below it, same rounds: bare node:http2', `${f((steady?.floorsAt10k.transport ?? NaN) * 100, 1)} % (answers each call, decodes nothing)`, '—'),
    line('  receive and decode, nothing behind', `${f((steady?.floorsAt10k.receiveAndDrop ?? NaN) * 100, 1)} % (otlp → nop)`, '—'),
    line('  receive, batch and send on', `${f((steady?.floorsAt10k.passThrough ?? NaN) * 100, 1)} % (otlp → batch → otlp out)`, '≤ 20 % of a core, the same pipeline (testbed limit)'),
    line('RSS idle (default config) / under load (full)', `${f(idle.settledMib * 1.048576, 1)} MB / ${f(full?.rssLoadMib, 1)} MiB`, '≤ 100 MiB at 10k spans/s (testbed limit)'),
    line('bytes per buffered span (tail sampling)', `${f(buffered.bufferedBytesPerSpan)} B (encoded ${f(buffered.encodedBytesPerSpan)} B)`, 'not published (spans kept decoded)'),
  ];
}

main().catch((err) => { process.stderr.write(`bench failed: ${(err as Error).stack}\n`); process.exit(1); });
