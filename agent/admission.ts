// Admission: lets a receiver ask, before it decodes a request, whether the agent can take that many
// bytes in now. Components that bound intake (the memory_limiter) publish a gate; receivers consult
// the agent's Admission, which admits a request only when every published gate does. It also tells
// components that can shed memory (tail_sampling) when memory is under pressure, and tells the gates
// that such a component is running.

import { serviceKey } from './service.js';

/** The agent's admission, provided by the agent itself: `host.findService(ADMISSION)`. */
export const ADMISSION = serviceKey<Admission>('admission');

/** One party that may refuse intake before decoding. */
export interface AdmissionGate {
  /**
   * Whether a request of `bytes` (its encoded size) may be taken in now. When true, the bytes stay
   * charged until {@link release}; when false, nothing is charged and the request is to be refused
   * with a retryable error.
   */
  admit(bytes: number): boolean;
  /** Gives back bytes an {@link admit} charged, once the request has been answered. */
  release(bytes: number): void;
  /** Whether memory was at or above the gate's soft limit when last measured. */
  pressure?(): boolean;
}

/** The gates published by running components. With none, every request is admitted. */
export class Admission implements AdmissionGate {
  private readonly gates = new Set<AdmissionGate>();
  private shedders = 0;

  /**
   * Declares that the caller sheds memory under {@link pressure} (tail_sampling stops buffering and
   * falls back to head sampling), so gates may keep admitting above their soft limit, up to their
   * hard limit. Returns the function that withdraws the declaration (call it at shutdown).
   */
  shedding(): () => void {
    this.shedders++;
    let withdrawn = false;
    return () => { if (!withdrawn) { withdrawn = true; this.shedders--; } };
  }

  /** Whether a running component sheds memory under pressure (see {@link shedding}). */
  get sheds(): boolean {
    return this.shedders > 0;
  }

  /** Whether some gate has memory at or above its soft limit. */
  pressure(): boolean {
    for (const g of this.gates) if (g.pressure?.()) return true;
    return false;
  }

  /** Adds a gate; returns the function that withdraws it (call it at the publisher's shutdown). */
  publish(gate: AdmissionGate): () => void {
    this.gates.add(gate);
    return () => { this.gates.delete(gate); };
  }

  admit(bytes: number): boolean {
    const charged: AdmissionGate[] = [];
    for (const g of this.gates) {
      if (!g.admit(bytes)) {
        for (const c of charged) c.release(bytes);
        return false;
      }
      charged.push(g);
    }
    return true;
  }

  release(bytes: number): void {
    for (const g of this.gates) g.release(bytes);
  }
}
