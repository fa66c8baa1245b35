// The memory_limiter refuses, before decoding, a request whose size would carry memory past limit_mib:
// HTTP on its Content-Length (before the body is read), gRPC on the message length.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { decodeRpcStatus } from '../../agent/pdata/rpc-status.js';
import { GrpcCode } from '../../agent/errors.js';
import { encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { sinkConfig } from '../kit/config.js';
import { makeTraces } from '../kit/gen.js';
import { RawOtlpClient } from '../kit/grpc-client.js';
import { createSink, type Sink } from '../kit/sink.js';

const MIB = 1024 * 1024;
let agent: Agent;
let sink: Sink;
let grpcClient: RawOtlpClient;
let http: { host: string; port: number };

beforeAll(async () => {
  sink = createSink();
  // The agent runs in this process: limit_mib is set 100 MiB above what it uses now.
  const limit = Math.ceil(process.memoryUsage.rss() / MIB) + 100;
  const config = sinkConfig({ processors: { memory_limiter: { limit_mib: limit, spike_limit_mib: 10, check_interval: '1s' }, batch: { timeout: '20ms' } } });
  const protocols = config.receivers.otlp.protocols as Record<string, Record<string, unknown>>;
  protocols.http!.max_request_body_size = 64 * MIB;
  protocols.grpc!.max_recv_msg_size_mib = 64;
  agent = await Agent.start(config, { factories: [sink.factory] });
  const eps = agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints;
  grpcClient = new RawOtlpClient(eps.grpc!);
  http = { host: eps.http!.slice(0, eps.http!.lastIndexOf(':')), port: Number(eps.http!.slice(eps.http!.lastIndexOf(':') + 1)) };
});
afterAll(async () => {
  grpcClient?.close();
  await agent?.stop();
});

/** Sends only the head of a POST; resolves with what the server answered before any body (or '' after 10 s). */
async function headOnly(contentLength: number): Promise<string> {
  const socket = connect(http.port, http.host);
  await new Promise((r) => socket.once('connect', r));
  let received = '';
  const answered = new Promise<void>((resolve) => socket.on('data', (c) => { received += c.toString('latin1'); if (received.includes('\r\n\r\n')) resolve(); }));
  socket.write(`POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\ncontent-length: ${contentLength}\r\n\r\n`);
  await Promise.race([answered, new Promise((r) => setTimeout(r, 10_000))]);
  socket.destroy();
  return received;
}

describe('memory_limiter admission', () => {
  it('accepts small requests', async () => {
    const r = await grpcClient.export('traces', encodeTracesRequest(makeTraces(3, 'small')));
    expect(r.code).toBe(GrpcCode.OK);
    await sink.waitFor('traces', 3);
  });

  it('answers 503 with Retry-After to an HTTP request whose Content-Length would cross the limit, before its body is sent', async () => {
    const head = await headOnly(30 * MIB);
    expect(head).toMatch(/^HTTP\/1\.1 503 /);
    expect(head.toLowerCase()).toMatch(/retry-after: \d+/);
  });

  it('answers UNAVAILABLE to a gRPC message that would cross the limit, without decoding it', async () => {
    // 24 MiB of zeros is not valid protobuf: decoding it would answer INVALID_ARGUMENT
    const r = await grpcClient.export('traces', Buffer.alloc(24 * MIB));
    expect(r.code).toBe(GrpcCode.UNAVAILABLE);
    expect(r.details).toMatch(/memory/);
    // a RetryInfo the sender's retry honours: google.rpc.Status in grpc-status-details-bin
    const details = r.metadata?.get('grpc-status-details-bin')[0];
    expect(decodeRpcStatus(details as Buffer)).toMatchObject({ code: GrpcCode.UNAVAILABLE, retryDelayMs: 1000 });
  });

  it('counts the refusals under reason="data_refused"', async () => {
    const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
    const count = (transport: string) => {
      const line = text.split('\n').find((l) => l.startsWith('outrider_receiver_refused_requests_total{') && l.includes(`transport="${transport}"`) && l.includes('reason="data_refused"'));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    };
    expect(count('http')).toBe(1);
    expect(count('grpc')).toBe(1);
  });
});
