// The cost processor inside the real agent, fed by the OTel SDK over OTLP/gRPC: cost attributes
// downstream, exact /metrics series, unknown models flagged and counted, rollups through a kill -9.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import type { AnyValue, Span } from '../../agent/pdata/model.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { spawnAgent, waitFor200, writeChildConfig } from '../kit/agent-process.js';
import { tempDir } from '../kit/config.js';
import { createSink } from '../kit/sink.js';
import { until } from '../kit/until.js';

const attr = (s: Span, key: string): AnyValue | undefined => s.attributes.find((a) => a.key === key)?.value;
const T = 1_767_225_600; // 2026-01-01T00:00:00Z, seconds

function sdk(endpoint: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'chatbot' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://${endpoint}` }))],
  });
  return { provider, tracer: provider.getTracer('e2e') };
}

describe('cost (agent + OTel SDK)', () => {
  it('GenAI spans arrive downstream with their cost; /metrics shows the exact series; an unknown model is flagged and counted', async () => {
    const sink = createSink();
    const agent = await Agent.start({
      storage: { path: join(tempDir(), 'outrider.db') },
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      processors: { cost: { compute: { cpu_core_hour_usd: 3.6 } } },
      exporters: { sink: {} },
      service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], processors: ['cost'], exporters: ['sink'] } } },
    }, { factories: [sink.factory] });
    const { provider, tracer } = sdk(agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!);
    try {
      const client = { kind: SpanKind.CLIENT, startTime: [T, 0] as [number, number] };
      tracer.startSpan('chat gpt-4o', { ...client, attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.cache_read.input_tokens': 400, 'gen_ai.usage.output_tokens': 200 } }).end([T, 500_000_000]);
      tracer.startSpan('chat claude', { ...client, attributes: { 'gen_ai.system': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.usage.prompt_tokens': 2000, 'gen_ai.usage.completion_tokens': 1000 } }).end([T, 500_000_000]);
      tracer.startSpan('chat mystery', { ...client, attributes: { 'gen_ai.provider.name': 'acme', 'gen_ai.request.model': 'mystery-9',
        'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 10 } }).end([T, 500_000_000]);
      tracer.startSpan('POST /chat', { kind: SpanKind.SERVER, startTime: [T, 0] }).end([T + 2, 0]);
      await provider.forceFlush();
      await sink.waitFor('traces', 4);
      const spans = new Map(sink.received.traces.flatMap((td) => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))).map((s) => [s.name, s]));
      const view = (name: string) => ['gen_ai.usage.cost', 'outrider.cost.usd', 'outrider.cost.kind', 'outrider.cost.unpriced'].map((k) => attr(spans.get(name)!, k));
      expect(view('chat gpt-4o')).toEqual([0.004, 0.004, 'llm', undefined]); // 600 × 2.5 + 400 × 1.25 + 200 × 10 per 1M
      expect(view('chat claude')).toEqual([0.021, 0.021, 'llm', undefined]); // 2,000 × 3 + 1,000 × 15 per 1M
      expect(view('chat mystery')).toEqual([undefined, undefined, undefined, true]);
      expect(view('POST /chat')).toEqual([undefined, 0.002, 'compute', undefined]); // 2 s × 3.6 USD/core-hour
      const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
      const cost = text.split('\n').filter((l) => l.startsWith('outrider_cost_')).sort();
      expect(cost).toEqual([
        'outrider_cost_unpriced_spans_total{service_name="chatbot",model="mystery-9"} 1',
        'outrider_cost_usd_total{service_name="chatbot",kind="compute"} 0.002',
        'outrider_cost_usd_total{service_name="chatbot",kind="llm",model="claude-sonnet-4-5"} 0.021',
        'outrider_cost_usd_total{service_name="chatbot",kind="llm",model="gpt-4o"} 0.004',
      ]);
    } finally {
      await provider.shutdown();
      await agent.stop();
    }
  });

  it('rollups flushed before a kill -9 are on disk after it, and a restarted agent adds to them', async () => {
    const dir = tempDir();
    const cfg = await writeChildConfig(dir, {
      processors: '  cost: { flush_interval: 1s, compute: { enabled: false }, llm: { prices: [ { model: m, prices: { input: 1000 } } ] } }',
      exporters: '  nop: {}',
      pipelines: '    traces: { receivers: [otlp], processors: [cost], exporters: [nop] }',
    });
    const dayUsd = () => {
      const db = new Database(join(dir, 'db.sqlite'), { readonly: true, fileMustExist: true });
      try {
        return (db.prepare("SELECT coalesce(sum(usd), 0) AS usd FROM cost_rollups WHERE period = 'day' AND attr_key = ''").get() as { usd: number }).usd;
      } catch { return 0; } finally { db.close(); }
    };
    const send = async (n: number) => {
      const { provider, tracer } = sdk(`127.0.0.1:${cfg.grpcPort}`);
      for (let i = 0; i < n; i++) tracer.startSpan('chat', { attributes: { 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 250 } }).end();
      await provider.forceFlush();
      await provider.shutdown();
    };
    const first = spawnAgent(['run', '--config', cfg.path]);
    await waitFor200(`http://127.0.0.1:${cfg.telemetryPort}/readyz`, 15_000, first);
    await send(4); // 4 × 0.25 USD
    await until(() => dayUsd() === 1, 10_000, 'the first flush');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(dayUsd()).toBe(1);
    const second = spawnAgent(['run', '--config', cfg.path]);
    try {
      await waitFor200(`http://127.0.0.1:${cfg.telemetryPort}/readyz`, 15_000, second);
      await send(2);
      await until(() => dayUsd() === 1.5, 10_000, 'the restarted agent\'s flush');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    expect(dayUsd()).toBe(1.5);
  });

  it('a changed price file applies to new spans within 5 s; a broken one is refused and the old prices kept', async () => {
    const dir = tempDir();
    const prices = join(dir, 'prices.yaml');
    const file = (input: number) => `date: 2026-01-01\nmodels:\n  - { model: m, prices: { input: ${input} } }\n`;
    writeFileSync(prices, file(1000));
    const sink = createSink();
    const agent = await Agent.start({
      storage: { path: join(dir, 'outrider.db') },
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      processors: { cost: { compute: { enabled: false }, llm: { prices_file: prices, include_defaults: false } } },
      exporters: { sink: {} },
      service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], processors: ['cost'], exporters: ['sink'] } } },
    }, { factories: [sink.factory] });
    const { provider, tracer } = sdk(agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!);
    let sent = 0;
    const price = async () => {
      tracer.startSpan('chat', { attributes: { 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 250 } }).end();
      await provider.forceFlush();
      await sink.waitFor('traces', ++sent);
      const last = sink.received.traces.at(-1)!.resourceSpans[0]!.scopeSpans[0]!.spans.at(-1)!;
      return attr(last, 'gen_ai.usage.cost');
    };
    try {
      expect(await price()).toBe(0.25);
      writeFileSync(prices, file(2000));
      await until(async () => (await price()) === 0.5, 5000, 'the new price within 5 s');
      writeFileSync(prices, 'models: [ { model: m, prices: { input: nope } } ]\n');
      // two check intervals later the broken file has been seen and refused
      await new Promise((r) => setTimeout(r, 2200));
      expect(await price()).toBe(0.5);
      const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
      expect(text).toContain('outrider_cost_price_reloads_total{outcome="failure",processor="cost"} 1');
      expect(text).toContain('outrider_cost_price_reloads_total{outcome="success",processor="cost"} 1');
    } finally {
      await provider.shutdown();
      await agent.stop();
    }
  });
});
