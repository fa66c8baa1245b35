// Steady load (run as its own process): sends OTLP/gRPC trace requests of 100 spans, each request
// with trace ids of its own (never seen in an earlier run against the same agent: a tail sampler
// must buffer and decide them, not find them in its decision cache), at a fixed rate of spans per
// second for a fixed time, then prints
// {sent, acknowledged, refused, seconds} as JSON. Requests the agent refuses are counted, not resent.
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { encodeTracesRequest } from '../agent/pdata/proto-encode.js';
import { makeTracesData } from './fixtures.js';

const PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const SPANS = 100;

export interface SteadyResult { sent: number; acknowledged: number; refused: number; seconds: number; p50Ms: number; p99Ms: number }

export async function steadyLoad(target: string, spansPerSec: number, seconds: number): Promise<SteadyResult> {
  const data = Array.from({ length: 16 }, (_, i) => makeTracesData({ spansPerResource: SPANS, seed: i + 1 }));
  const bodies = data.map((td) => Buffer.from(encodeTracesRequest(td)));
  const offsets = bodies.map((b, i) => {
    const ids = new Set(data[i]!.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => Buffer.from(s.traceId).toString('hex')))));
    const out: number[] = [];
    for (const hex of ids) { const p = Buffer.concat([Buffer.of(0x0a, 0x10), Buffer.from(hex, 'hex')]); for (let at = b.indexOf(p); at >= 0; at = b.indexOf(p, at + 1)) out.push(at + 2); }
    return out;
  });
  // XORed into every request's trace ids with the request number: distinct per run (bits above the
  // request numbers), so two runs against one agent do not send the same traces
  const salt = randomInt(1, 2 ** 15) * 2 ** 16;
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  const perTick = spansPerSec / SPANS / 100; // requests per 10 ms tick
  let due = 0;
  let n = 0;
  const result: SteadyResult = { sent: 0, acknowledged: 0, refused: 0, seconds, p50Ms: NaN, p99Ms: NaN };
  const latencies: number[] = [];
  const inflight = new Set<Promise<void>>();
  const send = () => {
    const i = n++;
    const body = Buffer.from(bodies[i % 16]!);
    for (const o of offsets[i % 16]!) body.writeUInt32BE((body.readUInt32BE(o + 9) ^ (salt + i + 1)) >>> 0, o + 9);
    result.sent += SPANS;
    const t = process.hrtime.bigint();
    const p = new Promise<void>((resolve) => client.makeUnaryRequest<Buffer, Buffer>(PATH, (b) => b, (b) => b, body, new grpc.Metadata(), { deadline: Date.now() + 30_000 }, (err) => {
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (err) result.refused += SPANS; else result.acknowledged += SPANS;
      resolve();
    }));
    inflight.add(p);
    void p.then(() => inflight.delete(p));
  };
  const t0 = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // catch up to the schedule so the offered rate holds even when a tick runs late
      const target = ((Date.now() - t0) / 10) * perTick;
      while (due < target) { send(); due++; }
      if (Date.now() - t0 >= seconds * 1000) { clearInterval(timer); resolve(); }
    }, 10);
  });
  await Promise.all(inflight);
  client.close();
  latencies.sort((a, b) => a - b);
  result.p50Ms = latencies[Math.floor(latencies.length * 0.5)] ?? NaN;
  result.p99Ms = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? NaN;
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [target, rate, seconds] = process.argv.slice(2);
  steadyLoad(target!, Number(rate ?? 20000), Number(seconds ?? 60)).then((r) => { process.stdout.write(JSON.stringify(r) + '\n'); process.exit(0); });
}
