// Soak (not in npm test): the agent with every traces processor on, at a steady load for a long
// time, reporting RSS, event-loop lag and CPU over time, and loss counted end to end.
//   npm run build && node dist/bench/soak.js            # 10 minutes at 20,000 spans/s
//   SOAK_SECONDS=120 SOAK_RATE=10000 node dist/bench/soak.js
// Tail sampling keeps every trace here (always_sample beside the usual policies), so every span the
// agent acknowledged must reach the sink: loss = acknowledged − received.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { decodeTracesRequest } from '../agent/pdata/proto-decode.js';
import { rssMib, startAgent } from './servers.js';
import type { SteadyResult } from './steady-load.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 20_000);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_SECONDS ?? 30);

/** A sink that decodes and counts every span it is sent. */
async function countingSink(): Promise<{ address: string; spans: () => number; close: () => void }> {
  let spans = 0;
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  const id = (b: Buffer) => b;
  server.addService({ Export: { path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', requestStream: false, responseStream: false, requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id } }, {
    Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      const td = decodeTracesRequest(call.request);
      for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
      cb(null, Buffer.alloc(0));
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { address: `127.0.0.1:${port}`, spans: () => spans, close: () => server.forceShutdown() };
}

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime in clock ticks (100/s)
}

async function lagP99(telemetry: string): Promise<number> {
  const text = await (await fetch(`http://${telemetry}/metrics`)).text();
  return Number(/^nodejs_eventloop_lag_p99_seconds (\S+)/m.exec(text)?.[1] ?? NaN) * 1000;
}

const sink = await countingSink();
const agent = await startAgent('soak', `
storage: { path: {dir}/outrider.db }
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:{grpc}" } } } }
processors:
  memory_limiter: { limit_mib: 400, spike_limit_mib: 80 }
  redaction: {}
  cost: { compute: { cpu_core_hour_usd: 0.0316 } }
  spanmetrics: { dimensions: [http.route] }
  slo:
    objectives:
      - { name: checkout-availability, service: checkout, sli: availability, objective: 0.999, window: 30d }
      - { name: checkout-latency, service: checkout, sli: { latency: 300ms }, objective: 0.95, window: 7d }
  tail_sampling:
    decision_wait: 10s
    num_traces: 50000
    policies:
      - { name: errors, type: status_code, status_code: { status_codes: [ERROR] } }
      - { name: slow, type: latency, latency: { threshold_ms: 500 } }
      - { name: everything, type: always_sample }
  batch: { send_batch_size: 8192, timeout: 200ms }
exporters:
  otlp: { endpoint: "${sink.address}", tls: { insecure: true }, sending_queue: { storage: sqlite, num_consumers: 4 } }
service:
  telemetry: { endpoint: "127.0.0.1:{tel}", logs: { level: warn } }
  pipelines:
    traces: { receivers: [otlp], processors: [memory_limiter, ${process.env.SOAK_NO_REDACTION ? '' : 'redaction, '}cost, spanmetrics, slo, tail_sampling, batch], exporters: [otlp] }
`.replace(process.env.SOAK_NO_REDACTION ? '  redaction: {}\n' : '\u0000', ''));

const loadgen = spawn(process.execPath, [fileURLToPath(new URL('./steady-load.js', import.meta.url)), agent.address, String(RATE), String(SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
loadgen.stdout!.on('data', (d) => { out += d; });
const done = new Promise<SteadyResult>((resolve, reject) => loadgen.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`steady load exited ${code}`)))));

const samples: Array<{ t: number; rssMib: number; cpuShare: number; lagP99Ms: number; received: number }> = [];
const t0 = Date.now();
let lastCpu = cpuSeconds(agent.pid);
let lastT = t0;
process.stdout.write(`soak: ${SECONDS} s at ${RATE} spans/s, every traces processor on; a sample every ${SAMPLE_S} s\n   t(s)  RSS(MiB)  CPU(core)  lag p99(ms)  received\n`);
const sampler = setInterval(async () => {
  const now = Date.now();
  const cpu = cpuSeconds(agent.pid);
  const s = { t: Math.round((now - t0) / 1000), rssMib: rssMib(agent.pid), cpuShare: (cpu - lastCpu) / ((now - lastT) / 1000), lagP99Ms: await lagP99(agent.telemetry), received: sink.spans() };
  lastCpu = cpu; lastT = now;
  samples.push(s);
  process.stdout.write(`${String(s.t).padStart(7)}  ${s.rssMib.toFixed(1).padStart(8)}  ${s.cpuShare.toFixed(2).padStart(9)}  ${s.lagP99Ms.toFixed(1).padStart(11)}  ${s.received}\n`);
}, SAMPLE_S * 1000);

const load = await done;
clearInterval(sampler);
// drain: the decision wait (10 s) plus the batch timeout and the export
const drainUntil = Date.now() + 60_000;
while (sink.spans() < load.acknowledged && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 500));
const received = sink.spans();
await agent.stop();
sink.close();

const warm = samples.filter((s) => s.t >= Math.min(120, SECONDS / 4));
const median = (xs: number[]) => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor(a.length / 2)] ?? NaN; };
const firstWarm = warm[0]?.rssMib ?? NaN;
const lastRss = samples.at(-1)?.rssMib ?? NaN;
const report = {
  date: new Date().toISOString(), seconds: SECONDS, offeredSpansPerSec: RATE,
  sent: load.sent, acknowledged: load.acknowledged, refusedBySender: load.refused, received, lost: load.acknowledged - received,
  rssMib: { afterWarmUp: firstWarm, last: lastRss, max: Math.max(...samples.map((s) => s.rssMib)), growthAfterWarmUpPct: ((lastRss - firstWarm) / firstWarm) * 100 },
  cpuShareMedian: median(samples.map((s) => s.cpuShare)), lagP99MsMedian: median(samples.map((s) => s.lagP99Ms)), lagP99MsMax: Math.max(...samples.map((s) => s.lagP99Ms)),
  samples,
};
process.stdout.write(`\nsent ${load.sent}, acknowledged ${load.acknowledged}, refused ${load.refused}, received ${received}, lost ${report.lost}\n` +
  `RSS after warm-up ${firstWarm.toFixed(1)} MiB → last ${lastRss.toFixed(1)} MiB (${report.rssMib.growthAfterWarmUpPct.toFixed(1)} %), max ${report.rssMib.max.toFixed(1)} MiB; ` +
  `CPU median ${report.cpuShareMedian.toFixed(2)} core; event-loop lag p99 median ${report.lagP99MsMedian.toFixed(1)} ms, max ${report.lagP99MsMax.toFixed(1)} ms\n`);
mkdirSync(fileURLToPath(new URL('../../bench/results/', import.meta.url)), { recursive: true });
const file = fileURLToPath(new URL(`../../bench/results/soak-${report.date.replace(/[:.]/g, '-').slice(0, 19)}.json`, import.meta.url));
writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
process.stdout.write(`written ${file}\n`);
process.exit(0);
