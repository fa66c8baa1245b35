// Micro-benchmark: our schema-specific OTLP trace decoder versus protobufjs reflection decoding.
import { decodeTracesRequest } from '../agent/pdata/proto-decode.js';
import { encodeTracesRequest } from '../agent/pdata/proto-encode.js';
import { makeTracesData } from './fixtures.js';
import { loadOtlpRoot } from './otlp-protos.js';

/** Spans per second of one decoder. */
export interface DecodeRate { spansPerSec: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Decodes the same realistic requests (100 spans each, 10–20 attributes, errors and events) with
 * both decoders, alternating in each round, and reports median spans/s and ours / protobufjs.
 * @param rounds timed rounds per decoder (default 9)
 * @param requests distinct request buffers (default 40, i.e. 4,000 spans per round)
 */
export async function benchDecode(rounds = 9, requests = 40): Promise<{
  ours: DecodeRate; protobufjs: DecodeRate; ratio: number;
}> {
  const spansPerRequest = 100;
  const bufs: Uint8Array[] = [];
  for (let i = 0; i < requests; i++) {
    bufs.push(encodeTracesRequest(makeTracesData({ seed: i + 1, spansPerResource: spansPerRequest })));
  }
  const Request = loadOtlpRoot().lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  let sink = 0;
  const ours = (): void => { for (const b of bufs) sink += decodeTracesRequest(b).resourceSpans.length; };
  const theirs = (): void => { for (const b of bufs) sink += (Request.decode(b) as unknown as { resourceSpans: unknown[] }).resourceSpans.length; };
  const time = (f: () => void): number => {
    const t0 = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  for (let i = 0; i < 3; i++) { ours(); theirs(); } // warm up both JITs
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) { a.push(time(ours)); b.push(time(theirs)); } else { b.push(time(theirs)); a.push(time(ours)); }
  }
  if (sink === 0) throw new Error('nothing decoded');
  const spans = requests * spansPerRequest;
  const oursRate = spans / median(a);
  const theirsRate = spans / median(b);
  return { ours: { spansPerSec: oursRate }, protobufjs: { spansPerSec: theirsRate }, ratio: oursRate / theirsRate };
}
