// OTEP 235 consistent probability sampling: the rejection threshold `th` and randomness `rv` in
// the `ot` member of W3C tracestate, adjusted counts, and writing a threshold back. Shared by the
// span metrics (weighting), and the samplers (deciding and recording).
import { TraceState } from '@opentelemetry/core';

/** 2^56: thresholds and randomness are 56-bit. */
export const TWO_56 = 1n << 56n;
const MAX_56 = TWO_56 - 1n;

/** The sub-keys of an `ot` tracestate value, in order (`th:c;rv:…` → [['th','c'],['rv','…']]). */
export function parseOtValue(ot: string | undefined): Array<[string, string]> {
  if (!ot) return [];
  const out: Array<[string, string]> = [];
  for (const part of ot.split(';')) {
    const i = part.indexOf(':');
    if (i > 0) out.push([part.slice(0, i), part.slice(i + 1)]);
  }
  return out;
}

/** The `ot` member's value of a tracestate string (W3C parsing by @opentelemetry/core). */
export function otValue(traceState: string): string | undefined {
  if (!traceState || !traceState.includes('ot=')) return undefined;
  return new TraceState(traceState).get('ot');
}

/** A threshold from its hex form (1–14 digits, trailing zeros implied), or undefined if invalid. */
export function decodeThreshold(hex: string): bigint | undefined {
  if (!/^[0-9a-f]{1,14}$/.test(hex)) return undefined;
  return BigInt('0x' + hex.padEnd(14, '0'));
}

/** The shortest hex form of a threshold (`0xc0000000000000` → `c`; 0 → `0`). */
export function encodeThreshold(t: bigint): string {
  if (t <= 0n) return '0';
  const hex = t.toString(16).padStart(14, '0').replace(/0+$/, '');
  return hex || '0';
}

/** The rejection threshold T of a tracestate's `ot=th:`, or undefined if absent or invalid. */
export function thresholdOf(traceState: string): bigint | undefined {
  if (!traceState || !traceState.includes('th:')) return undefined;
  const th = parseOtValue(otValue(traceState)).find(([k]) => k === 'th')?.[1];
  return th === undefined ? undefined : decodeThreshold(th);
}

/**
 * The randomness R of a span: `ot=rv:` (14 hex digits) when present, else the trace id's low 56
 * bits (W3C trace ids with the random flag carry them).
 */
export function randomnessOf(traceState: string, traceId: Uint8Array): bigint {
  const rv = parseOtValue(otValue(traceState)).find(([k]) => k === 'rv')?.[1];
  if (rv && /^[0-9a-f]{14}$/.test(rv)) return BigInt('0x' + rv);
  let r = 0n;
  for (let i = Math.max(0, traceId.length - 7); i < traceId.length; i++) r = (r << 8n) | BigInt(traceId[i]!);
  return r & MAX_56;
}

/** The threshold keeping a share `p` (0 < p ≤ 1) of traces: T = (1 − p) · 2^56, rounded to 56 bits. */
export function thresholdForProbability(p: number): bigint {
  if (!(p > 0)) return TWO_56;
  if (p >= 1) return 0n;
  return TWO_56 - BigInt(Math.round(p * 2 ** 56));
}

/** Whether a span with randomness R is kept at threshold T (R ≥ T). */
export function keeps(randomness: bigint, threshold: bigint): boolean {
  return randomness >= threshold;
}

/**
 * The adjusted count (1/p) of a threshold: 2^56 / (2^56 − T); exact powers of two where 2^56 − T
 * is one (`th:c` → 4, `th:8` → 2).
 */
export function adjustedCountOf(t: bigint | undefined): number {
  if (t === undefined || t === 0n) return 1;
  const d = TWO_56 - t;
  if (d <= 0n) return 0;
  if ((d & (d - 1n)) === 0n) return 2 ** (56 - (d.toString(2).length - 1));
  return 2 ** 56 / Number(d);
}

/** The weight a span counts for from its tracestate (1 without `ot=th:`). */
export function adjustedCount(traceState: string): number {
  return adjustedCountOf(thresholdOf(traceState));
}

/** The tracestate with `ot=th:` set to `t` (other `ot` sub-keys and other vendors kept; `ot` moves first). */
export function withThreshold(traceState: string, t: bigint): string {
  const ts = new TraceState(traceState);
  const parts = parseOtValue(ts.get('ot')).filter(([k]) => k !== 'th');
  const ot = [['th', encodeThreshold(t)], ...parts].map(([k, v]) => `${k}:${v}`).join(';');
  return ts.set('ot', ot).serialize();
}

/** A small memo in front of {@link adjustedCount}: batches repeat the same few tracestates. */
export class AdjustedCountCache {
  private readonly map = new Map<string, number>();

  get(traceState: string): number {
    if (!traceState) return 1;
    let w = this.map.get(traceState);
    if (w === undefined) {
      w = adjustedCount(traceState);
      if (this.map.size >= 256) this.map.clear();
      this.map.set(traceState, w);
    }
    return w;
  }
}
