// Encoding a large batch in slices, yielding to the event loop between them: one export of thousands
// of spans would otherwise be a single long task that holds up every request arriving meanwhile.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { splitBatch } from '../pdata/merge.js';
import type { Signal, SignalData } from '../pdata/model.js';
import type { ExportRequest } from './request.js';

/**
 * Items (spans, data points, log records) encoded in one go; about 2 ms of encoding for realistic
 * spans. Larger batches are encoded slice by slice.
 */
export const ENCODE_SLICE_ITEMS = 512;

/**
 * Encodes `data` as one request. A batch of more than `sliceItems` items is split into slices
 * (resources and scopes repeated in each slice that holds some of their items), each encoded on
 * its own event-loop turn; the encoded slices are concatenated, which protobuf reads as one
 * Export<Signal>ServiceRequest holding every resource — the backend still gets one request.
 */
export async function encodeInSlices<S extends Signal>(
  signal: S,
  data: SignalData[S],
  encode: (signal: S, data: SignalData[S]) => ExportRequest,
  sliceItems = ENCODE_SLICE_ITEMS,
): Promise<ExportRequest> {
  const slices = splitBatch(signal, data, sliceItems);
  if (slices.length === 1) return encode(signal, data);
  const bodies: Uint8Array[] = [];
  let items = 0;
  for (let i = 0; i < slices.length; i++) {
    if (i > 0) await nextTurn();
    const req = encode(signal, slices[i]!);
    bodies.push(req.body);
    items += req.items;
  }
  return { signal, items, body: Buffer.concat(bodies) };
}
