// Load generator (run as its own process): sends pre-encoded OTLP/gRPC trace requests with N in flight
// for a fixed time and prints {requests, spans, seconds, p50Ms, p99Ms, errors} as JSON.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { encodeTracesRequest } from '../agent/pdata/proto-encode.js';
import { makeTracesData } from './fixtures.js';

const PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface LoadResult { requests: number; spans: number; seconds: number; spansPerSec: number; p50Ms: number; p99Ms: number; errors: number }

/**
 * Where each trace id sits in an encoded request (the byte after its `0a 10` tag), so a request
 * can be sent again under new trace ids without encoding it again.
 */
function traceIdOffsets(body: Buffer, td: ReturnType<typeof makeTracesData>): number[] {
  const out: number[] = [];
  const ids = new Set(td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => Buffer.from(s.traceId).toString('hex')))));
  for (const hex of ids) {
    const pattern = Buffer.concat([Buffer.of(0x0a, 0x10), Buffer.from(hex, 'hex')]);
    for (let at = body.indexOf(pattern); at >= 0; at = body.indexOf(pattern, at + 1)) out.push(at + 2);
  }
  return out;
}

/** A copy of `body` whose trace ids have `n` XORed into bytes 9–12 (inside the 56-bit randomness): new traces per request. */
function withNewTraceIds(body: Buffer, offsets: number[], n: number): Buffer {
  const copy = Buffer.from(body);
  for (const o of offsets) copy.writeUInt32BE((copy.readUInt32BE(o + 9) ^ n) >>> 0, o + 9);
  return copy;
}

/**
 * Sends requests for `seconds` with `concurrency` in flight. With `uniqueTraces`, every request
 * carries trace ids of its own (a tail sampler then sees new traces, as in production); without,
 * the same 16 requests repeat.
 */
export async function runLoad(target: string, seconds: number, concurrency: number, spansPerRequest = 100, uniqueTraces = false): Promise<LoadResult> {
  const data = Array.from({ length: 16 }, (_, i) => makeTracesData({ spansPerResource: spansPerRequest, seed: i + 1 }));
  const bodies = data.map((td) => Buffer.from(encodeTracesRequest(td)));
  const offsets = bodies.map((b, i) => (uniqueTraces ? traceIdOffsets(b, data[i]!) : []));
  let sent = 0;
  const clients = Array.from({ length: Math.min(4, concurrency) }, () => new grpc.Client(target, grpc.credentials.createInsecure()));
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const t0 = process.hrtime.bigint();
  const worker = async (w: number) => {
    const client = clients[w % clients.length]!;
    for (let i = w; Date.now() < end; i += concurrency) {
      const body = uniqueTraces ? withNewTraceIds(bodies[i % bodies.length]!, offsets[i % bodies.length]!, ++sent) : bodies[i % bodies.length]!;
      const start = process.hrtime.bigint();
      const ok = await new Promise<boolean>((resolve) => client.makeUnaryRequest<Buffer, Buffer>(PATH, (b) => b, (b) => b, body, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err) => resolve(!err)));
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (ok) requests++; else { errors++; await new Promise((r) => setTimeout(r, 5)); }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const c of clients) c.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { requests, spans: requests * spansPerRequest, seconds: secs, spansPerSec: (requests * spansPerRequest) / secs, p50Ms: q(0.5), p99Ms: q(0.99), errors };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [target, seconds, concurrency, unique] = process.argv.slice(2);
  runLoad(target!, Number(seconds ?? 5), Number(concurrency ?? 8), 100, unique === 'unique').then((r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0);
  });
}
