// An export request: one batch of one signal, already encoded as an OTLP Export<Signal>ServiceRequest.
import { itemCount } from '../pdata/count.js';
import type { Signal, SignalData } from '../pdata/model.js';
import { requestSizeHint, writeRequest } from '../pdata/proto-encode.js';
import { ProtoWriter } from '../pdata/proto-writer.js';
import { decodeRequest } from '../pdata/proto-decode.js';
import { splitBatch } from '../pdata/merge.js';

/** What the queue holds and the transports send: encoded bytes plus what metrics need. */
export interface ExportRequest {
  signal: Signal;
  /** Spans, metric data points or log records in the batch. */
  items: number;
  /** The protobuf Export<Signal>ServiceRequest. */
  body: Uint8Array;
}

/**
 * Encodes one batch with the agent's direct encoder. Given a writer, appends the encoding to it
 * instead (several batches so written make one request); the body is then a view of the writer's
 * buffer, valid until it next grows.
 */
export function encodeRequest<S extends Signal>(signal: S, data: SignalData[S], w?: ProtoWriter): ExportRequest {
  const out = w ?? new ProtoWriter(requestSizeHint(signal, data));
  const start = out.pos;
  writeRequest(out, signal, data);
  return { signal, items: itemCount(signal, data), body: w ? out.buf.subarray(start, out.pos) : out.finish() };
}

/**
 * A request in two of about half the items each (whole spans, data points or log records, each
 * with its resource and scope), for a peer that refused it for its size. Spans keep their received
 * bytes, so splitting a trace request costs one decode and no field-by-field encoding.
 */
export function splitRequest(req: ExportRequest): ExportRequest[] {
  const signal = req.signal;
  return splitBatch(signal, decodeRequest(signal, req.body), Math.ceil(req.items / 2)).map((part) => encodeRequest(signal, part));
}
