// Load generator (run as its own process): sends pre-encoded OTLP/gRPC trace requests with N in flight
// for a fixed time and prints {requests, spans, seconds, p50Ms, p99Ms, errors} as JSON.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { encodeTracesRequest } from '../agent/pdata/proto-encode.js';
import { makeTracesData } from './fixtures.js';

const PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface LoadResult { requests: number; spans: number; seconds: number; spansPerSec: number; p50Ms: number; p99Ms: number; errors: number }

export async function runLoad(target: string, seconds: number, concurrency: number, spansPerRequest = 100): Promise<LoadResult> {
  const bodies = Array.from({ length: 16 }, (_, i) => Buffer.from(encodeTracesRequest(makeTracesData({ spansPerResource: spansPerRequest, seed: i + 1 }))));
  const clients = Array.from({ length: Math.min(4, concurrency) }, () => new grpc.Client(target, grpc.credentials.createInsecure()));
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const t0 = process.hrtime.bigint();
  const worker = async (w: number) => {
    const client = clients[w % clients.length]!;
    for (let i = w; Date.now() < end; i += concurrency) {
      const body = bodies[i % bodies.length]!;
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
  const [target, seconds, concurrency] = process.argv.slice(2);
  runLoad(target!, Number(seconds ?? 5), Number(concurrency ?? 8)).then((r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0);
  });
}
