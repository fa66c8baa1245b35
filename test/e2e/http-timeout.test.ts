// Slow and vanishing HTTP clients: request_timeout answers 408, aborted uploads are counted as such.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { sinkConfig } from '../kit/config.js';
import { createSink } from '../kit/sink.js';

let agent: Agent;
let host: string;
let port: number;

beforeAll(async () => {
  const sink = createSink();
  const config = sinkConfig();
  (config.receivers.otlp.protocols as Record<string, Record<string, unknown>>).http!.request_timeout = '300ms';
  agent = await Agent.start(config, { factories: [sink.factory] });
  const ep = agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.http!;
  host = ep.slice(0, ep.lastIndexOf(':'));
  port = Number(ep.slice(ep.lastIndexOf(':') + 1));
});
afterAll(async () => { await agent?.stop(); });

async function open(): Promise<Socket> {
  const socket = connect(port, host);
  await new Promise((r) => socket.once('connect', r));
  return socket;
}

/** The value of the first series `name` whose labels include every pair given (0 when absent). */
async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

async function pollMetric(name: string, labels: Record<string, string>, atLeast: number): Promise<number> {
  let v = 0;
  for (let i = 0; i < 200 && v < atLeast; i++) {
    v = await metric(name, labels);
    if (v < atLeast) await new Promise((r) => setTimeout(r, 25));
  }
  return v;
}

describe('HTTP request_timeout', () => {
  it('answers 408 to a client that stops sending its body, and counts reason="timeout"', async () => {
    const socket = await open();
    let received = '';
    socket.on('data', (c) => { received += c.toString('latin1'); });
    const closed = new Promise<string>((r) => socket.once('close', () => r('closed')));
    socket.write('POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\ncontent-length: 100\r\n\r\nab');
    // bounded: the timeout is 300 ms; 20 s is far beyond it and far below the 45 s the probe saw
    const outcome = await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r('still open'), 20_000))]);
    socket.destroy();
    expect(outcome).toBe('closed');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received).toMatch(/request_timeout|did not send/);
    expect(await pollMetric('outrider_receiver_refused_requests_total', { transport: 'http', reason: 'timeout' }, 1)).toBe(1);
  });
});

describe('aborted uploads', () => {
  it('are counted under reason="aborted", not invalid_data', async () => {
    const invalidBefore = await metric('outrider_receiver_refused_requests_total', { transport: 'http', reason: 'invalid_data' });
    for (let i = 0; i < 5; i++) {
      const socket = await open();
      socket.write('POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\ntransfer-encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n');
      await new Promise((r) => setTimeout(r, 20));
      const closed = new Promise((r) => socket.once('close', r));
      socket.destroy();
      await closed;
    }
    expect(await pollMetric('outrider_receiver_refused_requests_total', { transport: 'http', reason: 'aborted' }, 5)).toBe(5);
    expect(await metric('outrider_receiver_refused_requests_total', { transport: 'http', reason: 'invalid_data' })).toBe(invalidBefore);
  });
});
