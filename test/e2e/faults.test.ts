// Faults a sidecar meets in production: its SQLite file full, a flapping trace backend, a slowloris
// client on 4318, and a flood of tiny requests. Each time the agent keeps serving, refuses what it
// cannot keep with a clear retryable answer, and loses nothing it acknowledged.
import net from 'node:net';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { tempDir } from '../kit/config.js';
import { startGrpcSink } from '../kit/grpc-sink.js';
import { createSink } from '../kit/sink.js';
import { until } from '../kit/until.js';

let seq = 0;
/** An OTLP/JSON body of `n` spans with fresh ids (and `pad` bytes of attribute each); returns the span ids too. */
function jsonSpans(n: number, pad = 0): { body: string; ids: string[] } {
  const ids: string[] = [];
  const trace = (++seq).toString(16).padStart(32, '0');
  const spans = Array.from({ length: n }, () => {
    const id = (++seq).toString(16).padStart(16, '0');
    ids.push(id);
    return { traceId: trace, spanId: id, name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000001000000',
      attributes: pad ? [{ key: 'payload', value: { stringValue: 'x'.repeat(pad) } }] : [] };
  });
  return { body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeSpans: [{ spans }] }] }), ids };
}

const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const telemetry = { endpoint: '127.0.0.1:0', logs: { level: 'error' } };

describe('faults', () => {
  it('storage full: durable work is refused with a retryable 503 naming the cause; the agent keeps serving; it takes data again once space is freed', async () => {
    let down = true;
    const backend = await startGrpcSink({ answer: () => (down ? { ok: false, code: grpc.status.UNAVAILABLE, message: 'down' } : { ok: true }) });
    const agent = await Agent.start({
      storage: { path: join(tempDir(), 'outrider.db'), max_size_mib: 1 },
      receivers: { otlp: { protocols: { http: { endpoint: '127.0.0.1:0' } } } },
      exporters: { otlp: { endpoint: `127.0.0.1:${backend.port}`, tls: { insecure: true }, retry_on_failure: { initial_interval: '50ms', max_interval: '200ms', max_elapsed_time: 0 }, sending_queue: { storage: 'sqlite', queue_size: 100_000 } } },
      service: { telemetry, pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp'] } } },
    });
    const url = `http://${agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.http}/v1/traces`;
    const acknowledged: string[] = [];
    try {
      let refusal: Response | undefined;
      for (let i = 0; i < 200 && !refusal; i++) { // 20 KiB a request: a 1 MiB file is full within ~50
        const { body, ids } = jsonSpans(10, 2000);
        const res = await post(url, body);
        if (res.status === 200) acknowledged.push(...ids);
        else refusal = res;
      }
      expect(refusal?.status).toBe(503);
      expect(refusal!.headers.get('retry-after')).toBe('5');
      expect(await refusal!.text()).toMatch(/database is full.*SQLITE_FULL.*retry later/);
      expect(acknowledged.length).toBeGreaterThan(0);
      // the agent keeps serving
      expect((await fetch(`http://${agent.telemetryAddress}/healthz`)).status).toBe(200);
      expect((await fetch(`http://${agent.telemetryAddress}/metrics`)).status).toBe(200);
      // the backend returns: the queue drains, space is freed, data is taken again
      down = false;
      await until(() => backend.spans() >= acknowledged.length, 30_000, 'the queue drained');
      const { body, ids } = jsonSpans(10, 2000);
      await until(async () => (await post(url, body)).status === 200, 10_000, 'a request taken again');
      acknowledged.push(...ids);
      await until(() => backend.spans() >= acknowledged.length, 10_000, 'the last request delivered');
      expect(new Set(backend.spanIds())).toEqual(new Set(acknowledged));
    } finally {
      await agent.stop();
      await backend.close();
    }
  });

  it('a flapping backend: every acknowledged span arrives', async () => {
    const t0 = Date.now();
    // down for 150 ms of every 300 ms
    const backend = await startGrpcSink({ answer: () => (((Date.now() - t0) % 300) < 150 ? { ok: false, code: grpc.status.UNAVAILABLE, message: 'flapping' } : { ok: true }) });
    const agent = await Agent.start({
      storage: { path: join(tempDir(), 'outrider.db') },
      receivers: { otlp: { protocols: { http: { endpoint: '127.0.0.1:0' } } } },
      exporters: { otlp: { endpoint: `127.0.0.1:${backend.port}`, tls: { insecure: true }, retry_on_failure: { initial_interval: '20ms', max_interval: '100ms', max_elapsed_time: 0 }, sending_queue: { storage: 'sqlite', num_consumers: 4 } } },
      service: { telemetry, pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp'] } } },
    });
    const url = `http://${agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.http}/v1/traces`;
    const acknowledged: string[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        const { body, ids } = jsonSpans(30);
        const res = await post(url, body);
        expect(res.status).toBe(200);
        acknowledged.push(...ids);
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 30)); // spread over a few flaps
      }
      await until(() => new Set(backend.spanIds()).size >= acknowledged.length, 30_000, 'every span delivered');
      expect(new Set(backend.spanIds())).toEqual(new Set(acknowledged));
      const metrics = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
      expect(Number(/outrider_exporter_retries_total\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
    } finally {
      await agent.stop();
      await backend.close();
    }
  });

  it('a slowloris client on 4318 does not keep others out, and cannot hold up shutdown', async () => {
    const sink = createSink();
    const agent = await Agent.start({
      receivers: { otlp: { protocols: { http: { endpoint: '127.0.0.1:0' } } } },
      exporters: { sink: {} },
      service: { telemetry, pipelines: { traces: { receivers: ['otlp'], exporters: ['sink'] } } },
    }, { factories: [sink.factory] });
    const address = agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.http!;
    const [host, port] = [address.split(':')[0]!, Number(address.split(':')[1])];
    const slow: net.Socket[] = [];
    let closedByServer = 0;
    const drip = setInterval(() => { for (const s of slow) if (!s.destroyed) s.write('a'); }, 100);
    try {
      // 200 connections that send a request line and then one header byte every 100 ms, forever
      for (let i = 0; i < 200; i++) {
        const s = net.connect(port, host);
        s.on('error', () => {});
        s.on('close', () => { closedByServer++; });
        s.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Slow: ');
        slow.push(s);
      }
      await new Promise((r) => setTimeout(r, 300));
      // meanwhile, ordinary clients are served
      const sent: string[] = [];
      for (let i = 0; i < 50; i++) {
        const { body, ids } = jsonSpans(2);
        expect((await post(`http://${address}/v1/traces`, body)).status).toBe(200);
        sent.push(...ids);
      }
      expect(sink.received.traces.flatMap((t) => t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)))).toHaveLength(sent.length);
      // shutdown cuts the slow connections instead of waiting for them
      await agent.stop();
      await until(() => closedByServer === slow.length, 10_000, 'every slow connection closed by the agent');
    } finally {
      clearInterval(drip);
      for (const s of slow) s.destroy();
      await agent.stop();
    }
  });

  it('a flood of tiny requests (one span each, 64 at a time): every one is answered and every acknowledged span arrives', async () => {
    const sink = createSink();
    const agent = await Agent.start({
      receivers: { otlp: { protocols: { http: { endpoint: '127.0.0.1:0' } } } },
      processors: { memory_limiter: { limit_mib: 400, spike_limit_mib: 80 }, batch: { timeout: '50ms' } },
      exporters: { sink: {} },
      service: { telemetry, pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['sink'] } } },
    }, { factories: [sink.factory] });
    const url = `http://${agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.http}/v1/traces`;
    const REQUESTS = 20_000;
    let next = 0;
    let ok = 0;
    const statuses = new Map<number, number>();
    const t0 = performance.now();
    try {
      await Promise.all(Array.from({ length: 64 }, async () => {
        while (next < REQUESTS) {
          next++;
          const res = await post(url, jsonSpans(1).body);
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 200) ok++;
        }
      }));
      const seconds = (performance.now() - t0) / 1000;
      process.stdout.write(`tiny-request flood: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${(REQUESTS / seconds).toFixed(0)}/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
      // every request got an answer; refusals (if any) are the retryable kind
      expect([...statuses.keys()].every((s) => s === 200 || s === 503)).toBe(true);
      expect(ok).toBeGreaterThan(0);
      const spans = () => sink.received.traces.reduce((a, t) => a + t.resourceSpans.reduce((b, r) => b + r.scopeSpans.reduce((c, s) => c + s.spans.length, 0), 0), 0);
      await until(() => spans() >= ok, 10_000, 'every acknowledged span delivered');
      expect(spans()).toBe(ok);
      expect((await fetch(`http://${agent.telemetryAddress}/healthz`)).status).toBe(200);
    } finally {
      await agent.stop();
    }
  });
});
