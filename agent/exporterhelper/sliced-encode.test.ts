// A large batch is encoded in slices over several event-loop turns and still sent as one request.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeTracesRequest } from '../pdata/proto-decode.js';
import type { Signal, SignalData } from '../pdata/model.js';
import { sampleTraces, exporterTestSettings } from '../../test/kit/exporter-testing.js';
import { until } from '../../test/kit/until.js';
import { commonExporterShape } from './config.js';
import { createQueuedExporter } from './exporter.js';
import { encodeRequest, type ExportRequest } from './request.js';
import { ENCODE_SLICE_ITEMS } from './sliced-encode.js';
import type { Transport } from './transport.js';

function setup() {
  const t = exporterTestSettings('otlp/sliced');
  const sent: ExportRequest[] = [];
  const transport: Transport = { target: 'fake', send: async (req) => { sent.push(req); return { rejected: 0, errorMessage: '' }; }, close: async () => {} };
  /** Items of each encode call, and whether a macrotask queued before the batch came had run by then. */
  const calls: Array<{ items: number; otherTaskRan: boolean }> = [];
  const probe = { ran: false };
  const encode = <S extends Signal>(signal: S, data: SignalData[S]): ExportRequest => {
    const req = encodeRequest(signal, data);
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
