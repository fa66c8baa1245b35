// What both transports share: decoders per signal and encoding, handing data on, counting it.
import type { Counter } from '@opentelemetry/api';
import type { AdmissionGate } from '../../agent/admission.js';
import type { CreateSettings, SignalConsumers } from '../../agent/component.js';
import { asOutriderError, errors, type OutriderError } from '../../agent/errors.js';
import { itemCount, itemUnit } from '../../agent/pdata/count.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from '../../agent/pdata/json.js';
import type { Signal, SignalData } from '../../agent/pdata/model.js';
import { decodeRequest } from '../../agent/pdata/proto-decode.js';
import { dropInvalidSpans, INVALID_SPAN_RULE } from './validity.js';
import { dropInvalidMetricPoints } from './metric-validity.js';

export type Transport = 'grpc' | 'http';

/** What the sender is told besides success: items rejected (not retried) and why. */
export interface PartialSuccess { rejected: number; message: string }
const FULL_SUCCESS: PartialSuccess = { rejected: 0, message: '' };
export type Encoding = 'protobuf' | 'json';

const jsonDecoders = { traces: decodeTracesJson, metrics: decodeMetricsJson, logs: decodeLogsJson } as const;

/** Decodes a request body of one signal; throws INVALID_DATA naming the problem. */
export function decodeBody<S extends Signal>(signal: S, encoding: Encoding, body: Uint8Array): SignalData[S] {
  if (encoding === 'protobuf') return decodeRequest(signal, body);
  return jsonDecoders[signal](Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as SignalData[S];
}

/** Hands decoded data to the pipelines and keeps the receiver's counters. */
export class Intake {
  private readonly accepted: Record<Signal, Counter>;
  private readonly refused: Record<Signal, Counter>;
  private readonly badRequests: Counter;

  constructor(readonly settings: CreateSettings, private readonly consumers: SignalConsumers) {
    const m = settings.meter;
    const make = (what: string, description: string) => {
      const out = {} as Record<Signal, Counter>;
      for (const s of ['traces', 'metrics', 'logs'] as const) out[s] = m.createCounter(`outrider_receiver_${what}_${itemUnit(s)}`, { description });
      return out;
    };
    this.accepted = make('accepted', 'Items accepted and acknowledged to the sender.');
    this.refused = make('refused', 'Items refused to the sender (retryable or not).');
    this.badRequests = m.createCounter('outrider_receiver_refused_requests', { description: 'Requests refused before decoding completed (malformed, too large, wrong media type or method, timed out, aborted, refused for memory).' });
  }

  /**
   * Exposes the accepted and refused counters at 0 for every signal with a pipeline and every
   * transport served, so a dashboard or an alert on refusals has a series before the first refusal.
   */
  zeroCounters(transports: readonly Transport[]): void {
    for (const signal of this.signals) for (const transport of transports) {
      const attrs = { receiver: this.settings.id, transport };
      this.accepted[signal].add(0, attrs);
      this.refused[signal].add(0, attrs);
    }
  }

  /** The agent's admission (set at start), consulted before a request is decoded. */
  admission: AdmissionGate | undefined;

  /**
   * Charges a request of `bytes` before it is decoded; {@link release} gives them back once it is
   * answered. Throws a retryable DATA_REFUSED when the agent cannot take it in now (memory_limiter).
   */
  admit(bytes: number): void {
    if (this.admission === undefined || this.admission.admit(bytes)) return;
    throw errors.dataRefused(`data refused due to high memory usage: a request of ${bytes} bytes, refused before decoding (memory_limiter)`);
  }

  release(bytes: number): void {
    this.admission?.release(bytes);
  }

  /** Signals with at least one pipeline. */
  get signals(): Signal[] {
    return (['traces', 'metrics', 'logs'] as const).filter((s) => this.consumers[s] !== undefined);
  }

  has(signal: Signal): boolean { return this.consumers[signal] !== undefined; }

  /**
   * Passes data to the pipelines; resolves once they accepted it (the sender may be acknowledged),
   * with the items rejected as invalid (spans without a valid trace or span id, metric points
   * the OTLP spec calls invalid: see metric-validity.ts).
   */
  async accept<S extends Signal>(signal: S, data: SignalData[S], transport: Transport): Promise<PartialSuccess> {
    const attrs = { receiver: this.settings.id, transport };
    const rejected = signal === 'traces' ? dropInvalidSpans(data as SignalData['traces']) : 0;
    if (rejected > 0) this.refused[signal].add(rejected, { ...attrs, reason: 'invalid_id' });
    const badPoints = signal === 'metrics' ? dropInvalidMetricPoints(data as SignalData['metrics']) : FULL_SUCCESS;
    if (badPoints.rejected > 0) this.refused.metrics.add(badPoints.rejected, { ...attrs, reason: 'invalid_point' });
    const n = itemCount(signal, data);
    const consumer = this.consumers[signal] as { consume(d: SignalData[S]): Promise<void> } | undefined;
    try {
      if (!consumer) throw errors.shuttingDown(this.settings.id);
      if (n > 0) await consumer.consume(data);
      this.accepted[signal].add(n, attrs);
    } catch (e) {
      this.refused[signal].add(n, attrs);
      throw asOutriderError(e);
    }
    if (badPoints.rejected > 0) return badPoints;
    if (rejected === 0) return FULL_SUCCESS;
    return { rejected, message: `${rejected} span(s) rejected: ${INVALID_SPAN_RULE}` };
  }

  /** Counts a request refused before its items could be counted. */
  badRequest(transport: Transport, err: OutriderError): void {
    this.badRequests.add(1, { receiver: this.settings.id, transport, reason: err.code.toLowerCase() });
    this.settings.logger.debug({ transport, err: err.message }, 'refused a request');
  }
}
