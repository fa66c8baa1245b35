// A client that never finishes its upload must not hold up shutdown past the receiver's grace period.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { sinkConfig } from '../kit/config.js';
import { createSink } from '../kit/sink.js';

describe('slow HTTP client', () => {
  it('is cut off by shutdown instead of blocking it for request_timeout (60 s)', async () => {
    const sink = createSink();
    const agent = await Agent.start(sinkConfig(), { factories: [sink.factory] });
    const [host, port] = agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.http!.split(':');
    const socket = connect(Number(port), host);
    await new Promise((r) => socket.once('connect', r));
    socket.write('POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\ncontent-length: 100000\r\n\r\n0123456789');
    await new Promise((r) => setTimeout(r, 100));
    const closed = new Promise((r) => socket.once('close', r));
    const t0 = Date.now();
    const outcome = await Promise.race([agent.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still waiting'), 20_000))]);
    expect(outcome).toBe('stopped');
    await closed;
    process.stdout.write(`shutdown with a stalled upload took ${Date.now() - t0} ms\n`);
  });
});
