// Backpressure reaches the sender: memory_limiter refusals (made by the receiver before decoding)
// become gRPC UNAVAILABLE with RetryInfo and HTTP 503 with Retry-After; nothing refused is counted as accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { GrpcCode } from '../../agent/errors.js';
import { encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { sinkConfig } from '../kit/config.js';
import { makeTraces } from '../kit/gen.js';
import { RawOtlpClient } from '../kit/grpc-client.js';
import { createSink, type Sink } from '../kit/sink.js';

let agent: Agent;
let sink: Sink;

beforeAll(async () => {
  sink = createSink();
  // A hard limit far below any Node process's resident memory: every batch is refused.
  agent = await Agent.start(sinkConfig({ processors: { memory_limiter: { limit_mib: 2, spike_limit_mib: 1 }, batch: { timeout: '10ms' } } }), { factories: [sink.factory] });
});
afterAll(async () => { await agent?.stop(); });

describe('memory_limiter backpressure', () => {
  it('answers gRPC UNAVAILABLE with a RetryInfo detail', async () => {
    const client = new RawOtlpClient(agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!);
    const r = await client.export('traces', encodeTracesRequest(makeTraces(5)));
    client.close();
    expect(r.code).toBe(GrpcCode.UNAVAILABLE);
    expect(r.details).toMatch(/^data refused due to high memory usage: a request of \d+ bytes, refused before decoding/);
    const details = r.metadata!.get('grpc-status-details-bin')[0] as Buffer;
    expect(details.toString('latin1')).toContain('type.googleapis.com/google.rpc.RetryInfo');
  });

  it('answers HTTP 503 with Retry-After', async () => {
    const res = await fetch(`http://${agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.http}/v1/traces`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x', traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' }] }] }] }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ code: GrpcCode.UNAVAILABLE, message: expect.stringMatching(/^data refused due to high memory usage/) });
    expect(sink.count('traces')).toBe(0);
    const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
    expect(text).toContain('outrider_receiver_refused_requests_total{reason="data_refused",receiver="otlp",transport="http"} 1');
    expect(text).toContain('outrider_receiver_refused_requests_total{reason="data_refused",receiver="otlp",transport="grpc"} 1');
    expect(text).not.toMatch(/outrider_receiver_accepted_spans_total\{[^}]*\} [1-9]/);
  });
});
