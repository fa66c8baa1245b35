// What the sender hears when the exporter cannot take data: a full sending queue is retryable
// backpressure (UNAVAILABLE/503), a permanent downstream rejection is permanent (INTERNAL/500).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Agent } from '../../agent/agent.js';
import { GrpcCode } from '../../agent/errors.js';
import { encodeLogsRequest, encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { tempDir } from '../kit/config.js';
import { makeTraces } from '../kit/gen.js';
import { RawOtlpClient } from '../kit/grpc-client.js';
import { startGrpcSink, type GrpcSink } from '../kit/grpc-sink.js';
import { freePort } from '../kit/ports.js';

let agent: Agent;
let rejecting: GrpcSink;
let client: RawOtlpClient;

beforeAll(async () => {
  rejecting = await startGrpcSink({ answer: () => ({ ok: false, code: GrpcCode.INVALID_ARGUMENT, message: 'schema violation' }) });
  const nowhere = await freePort(); // nothing listens: every send fails and is retried
  agent = await Agent.start({
    storage: { path: join(tempDir(), 'outrider.db') },
    receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
    exporters: {
      'otlp/full': { endpoint: `127.0.0.1:${nowhere}`, tls: { insecure: true }, sending_queue: { queue_size: 2, num_consumers: 1 }, retry_on_failure: { initial_interval: '10s' } },
      'otlp/direct': { endpoint: `127.0.0.1:${rejecting.port}`, tls: { insecure: true }, sending_queue: { enabled: false } },
    },
    service: {
      telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'silent' } },
      pipelines: {
        traces: { receivers: ['otlp'], exporters: ['otlp/full'] },
        logs: { receivers: ['otlp'], exporters: ['otlp/direct'] },
      },
    },
  });
  client = new RawOtlpClient(agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!);
});
afterAll(async () => {
  client?.close();
  await agent?.stop();
  await rejecting?.close();
});

describe('exporter backpressure and permanent errors reach the sender', () => {
  it('a full sending queue answers UNAVAILABLE, so the SDK retries later', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await client.export('traces', encodeTracesRequest(makeTraces(3)))).code);
    expect(codes.slice(0, 2)).toEqual([GrpcCode.OK, GrpcCode.OK]);
    expect(codes.slice(3)).toEqual([GrpcCode.UNAVAILABLE, GrpcCode.UNAVAILABLE]);
  });

  it('a permanent downstream rejection answers INTERNAL, never a retryable code', async () => {
    const body = encodeLogsRequestOf('hello');
    const r = await client.export('logs', body);
    expect(r.code).toBe(GrpcCode.INTERNAL);
    expect(r.details).toMatch(/schema violation/);
    expect(rejecting.calls.filter((c) => c.signal === 'logs')).toHaveLength(1); // not retried
  });
});

function encodeLogsRequestOf(body: string): Uint8Array {
  return encodeLogsRequest({ resourceLogs: [{ resource: null, schemaUrl: '', scopeLogs: [{ scope: null, schemaUrl: '', logRecords: [{
    timeUnixNano: 1n, observedTimeUnixNano: 1n, severityNumber: 9, severityText: 'INFO', body, attributes: [], droppedAttributesCount: 0,
    flags: 0, traceId: new Uint8Array(0), spanId: new Uint8Array(0), eventName: '' }] }] }] });
}
