// A large batch is encoded in slices over several event-loop turns and still sent as one request.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeLogsRequest, decodeTracesRequest } from '../pdata/proto-decode.js';
import type { LogsData, Signal, SignalData } from '../pdata/model.js';
import { sampleTraces, exporterTestSettings } from '../../test/kit/exporter-testing.js';
import { until } from '../../test/kit/until.js';
import { commonExporterShape } from './config.js';
import { createQueuedExporter } from './exporter.js';
import { encodeRequest, type ExportRequest } from './request.js';
import { ENCODE_SLICE_ITEMS, encodeInSlices } from './sliced-encode.js';
import type { Transport } from './transport.js';
import type { ProtoWriter } from '../pdata/proto-writer.js';

function setup() {
  const t = exporterTestSettings('otlp/sliced');
  const sent: ExportRequest[] = [];
  const transport: Transport = { target: 'fake', send: async (req) => { sent.push(req); return { rejected: 0, errorMessage: '' }; }, close: async () => {} };
  /** Items of each encode call, and whether a macrotask queued before the batch came had run by then. */
  const calls: Array<{ items: number; otherTaskRan: boolean }> = [];
  const probe = { ran: false };
  const encode = <S extends Signal>(signal: S, data: SignalData[S], w?: ProtoWriter): ExportRequest => {
    const req = encodeRequest(signal, data, w);
    calls.push({ items: req.items, otherTaskRan: probe.ran });
    return req;
  };
  const config = z.strictObject(commonExporterShape).parse({});
  const exporter = createQueuedExporter({ settings: t.settings, config, signals: ['traces'], createTransport: () => transport, encode });
  return { ...t, exporter, sent, calls, probe };
}

describe('exporter: encoding large batches', () => {
  it('encodes a batch larger than a slice in slices, letting other tasks run between them', async () => {
    const { exporter, host, calls, probe } = setup();
    await exporter.start(host);
    const n = 2 * ENCODE_SLICE_ITEMS + 10;
    const done = exporter.traces!.consume(sampleTraces(n));
    setImmediate(() => { probe.ran = true; }); // e.g. a request arriving while the batch is encoded
    await done;
    expect(calls.map((c) => c.items)).toEqual([ENCODE_SLICE_ITEMS, ENCODE_SLICE_ITEMS, 10]);
    expect(calls[0]!.otherTaskRan).toBe(false);
    expect(calls[2]!.otherTaskRan).toBe(true);
    await exporter.shutdown();
  });

  it('sends the slices as one request holding every span in order', async () => {
    const { exporter, host, sent, readMetrics } = setup();
    await exporter.start(host);
    const n = 3 * ENCODE_SLICE_ITEMS + 1;
    await exporter.traces!.consume(sampleTraces(n));
    await until(() => sent.length === 1);
    await exporter.shutdown();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.items).toBe(n);
    const spans = decodeTracesRequest(sent[0]!.body).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    expect(spans.map((s) => s.name)).toEqual(Array.from({ length: n }, (_, i) => `span-${i}`));
    expect((await readMetrics())['outrider_exporter_sent_spans{exporter=otlp/sliced}']).toBe(n);
  });

  it('encodes a batch of one slice or less in one call', async () => {
    const { exporter, host, calls } = setup();
    await exporter.start(host);
    await exporter.traces!.consume(sampleTraces(ENCODE_SLICE_ITEMS));
    expect(calls.map((c) => c.items)).toEqual([ENCODE_SLICE_ITEMS]);
    await exporter.shutdown();
  });
});

describe('encodeInSlices', () => {
  const logs = (n: number): LogsData => ({
    resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: 'checkout' }], droppedAttributesCount: 0 }, schemaUrl: '', scopeLogs: [{
      scope: null, schemaUrl: '',
      logRecords: Array.from({ length: n }, (_, i) => ({ timeUnixNano: BigInt(i + 1), observedTimeUnixNano: 0n, severityNumber: 9, severityText: 'INFO', body: `line ${i}`, attributes: [], droppedAttributesCount: 0, flags: 0, traceId: new Uint8Array(0), spanId: new Uint8Array(0), eventName: '' })),
    }] }],
  });

  it('writes the slices one after another into one body that decodes to every item in order', async () => {
    for (const [signal, data, names] of [
      ['traces', sampleTraces(25), (b: Uint8Array) => decodeTracesRequest(b).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name)))],
      ['logs', logs(25), (b: Uint8Array) => decodeLogsRequest(b).resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => r.body)))],
    ] as const) {
      const whole = encodeRequest(signal, data);
      const sliced = await encodeInSlices(signal, data, encodeRequest, 4);
      expect(sliced.items).toBe(25);
      expect(names(sliced.body)).toEqual(names(whole.body));
      expect(sliced.body.length).toBeGreaterThan(whole.body.length); // resource and scope repeated in each slice
    }
  });
});
