// Encoding a large batch in slices, yielding to the event loop between them: one export of thousands
// of spans would otherwise be a single long task that holds up every request arriving meanwhile.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { splitBatch } from '../pdata/merge.js';
import type { Signal, SignalData } from '../pdata/model.js';
import { requestSizeHint } from '../pdata/proto-encode.js';
import { ProtoWriter } from '../pdata/proto-writer.js';
import type { ExportRequest } from './request.js';

/**
 * Items (spans, data points, log records) encoded in one go; about 2 ms of encoding for realistic
 * spans. Larger batches are encoded slice by slice.
 */
export const ENCODE_SLICE_ITEMS = 512;

/**
 * Encodes `data` as one request. A batch of more than `sliceItems` items is split into slices
 * (resources and scopes repeated in each slice that holds some of their items), each encoded on
 * its own event-loop turn into one writer, one after another: protobuf reads them as one
 * Export<Signal>ServiceRequest holding every resource — the backend still gets one request, and
 * the slices are never copied together. `encode`, given a writer, must append to it.
 */
export async function encodeInSlices<S extends Signal>(
  signal: S,
  data: SignalData[S],
  encode: (signal: S, data: SignalData[S], w?: ProtoWriter) => ExportRequest,
  sliceItems = ENCODE_SLICE_ITEMS,
): Promise<ExportRequest> {
  const slices = splitBatch(signal, data, sliceItems);
  if (slices.length === 1) return encode(signal, data);
  const w = new ProtoWriter(requestSizeHint(signal, data));
  let items = 0;
  for (let i = 0; i < slices.length; i++) {
    if (i > 0) await nextTurn();
    items += encode(signal, slices[i]!, w).items;
  }
  return { signal, items, body: w.finish() };
}
