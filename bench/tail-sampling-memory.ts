// Memory per span buffered by the tail sampler, against the span's encoded (OTLP protobuf) size
// and its decoded size: realistic requests are decoded and held for a decision wait that never ends.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { metrics } from '@opentelemetry/api';
import { pino } from 'pino';
import { systemClock } from '../agent/clock.js';
import type { TracesData } from '../agent/pdata/model.js';
import { decodeTracesRequest } from '../agent/pdata/proto-decode.js';
import { encodeTracesRequest } from '../agent/pdata/proto-encode.js';
import { tailSamplingFactory } from '../processors/tail_sampling/index.js';
import type { TailSampler } from '../processors/tail_sampling/tail_sampling.js';
import { makeTracesData } from './fixtures.js';

export interface BufferedSpanMemory {
  spans: number;
  /** OTLP protobuf bytes per span, as received. */
  encodedBytesPerSpan: number;
  /** V8 heap per span of the decoded model alone. */
  decodedBytesPerSpan: number;
  /** V8 heap per span buffered in the tail sampler (decoded span plus the buffer's own share). */
  bufferedBytesPerSpan: number;
  /** RSS growth per buffered span. */
  rssBytesPerSpan: number;
}

/** Buffers `requests` × 100 spans (10 traces of 10 spans per request, every trace new) and measures. */
export async function benchBufferedSpanMemory(requests = 500): Promise<BufferedSpanMemory> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const measure = () => { gc(); gc(); return process.memoryUsage(); };
  const bodies = Array.from({ length: requests }, (_, i) => encodeTracesRequest(makeTracesData({ seed: i + 1, spansPerResource: 100 })));
  const spans = requests * 100;
  const encoded = bodies.reduce((a, b) => a + b.length, 0);

  const m0 = measure();
  let held: TracesData[] | undefined = bodies.map((b) => decodeTracesRequest(b));
  const m1 = measure();
  const decoded = m1.heapUsed - m0.heapUsed;
  if (held.length !== requests) throw new Error('bench: decode failed');
  held = undefined;

  const settings = { id: 'tail_sampling', logger: pino({ level: 'silent' }), meter: metrics.getMeter('bench'), clock: systemClock };
  const cfg = tailSamplingFactory.parse({ decision_wait: '1h', decision_wait_after_root: '0s', num_traces: 1_000_000, drop_pending_traces_on_shutdown: true });
  const sampler = tailSamplingFactory.create.traces!(settings, cfg, { consume: async () => {} }) as TailSampler;
  const m2 = measure();
  for (const b of bodies) await sampler.consume(decodeTracesRequest(b));
  const m3 = measure();
  if (sampler.bufferedSpans !== spans) throw new Error(`bench: ${sampler.bufferedSpans} spans buffered, expected ${spans}`);
  const result = {
    spans,
    encodedBytesPerSpan: encoded / spans,
    decodedBytesPerSpan: decoded / spans,
    bufferedBytesPerSpan: (m3.heapUsed + m3.arrayBuffers - m2.heapUsed - m2.arrayBuffers) / spans,
    rssBytesPerSpan: (m3.rss - m2.rss) / spans,
  };
  await sampler.shutdown();
  return result;
}

if (process.argv[1]?.endsWith('tail-sampling-memory.js')) {
  benchBufferedSpanMemory().then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
}
