// Admission: lets a receiver ask, before it decodes a request, whether the agent can take that many
// bytes in now. Components that bound intake (the memory_limiter) publish a gate; receivers consult
// the agent's Admission, which admits a request only when every published gate does.

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
}

/** The gates published by running components. With none, every request is admitted. */
export class Admission implements AdmissionGate {
  private readonly gates = new Set<AdmissionGate>();

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
