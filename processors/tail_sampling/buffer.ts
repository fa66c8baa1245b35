// The per-trace buffer of the tail sampler: spans by trace, in arrival order of their first span,
// each with the resource and scope it came with, and the way back to an OTLP batch.
import type { KeyValue, Resource, ResourceSpans, Scope, ScopeSpans, Span, TracesData } from '../../agent/pdata/model.js';
import { TraceFacts } from './facts.js';
import type { TraceView } from './trace-view.js';
import type { KeptDecision } from './decision-cache.js';
import { encodeSpanGroup } from '../../agent/pdata/proto-encode.js';
import { lazySpansOf } from '../../agent/pdata/lazy-span.js';
import { ProtoWriter } from '../../agent/pdata/proto-writer.js';

/**
 * The resource and scope a group of spans arrived under, shared by every span of one incoming
 * ScopeSpans. It holds no reference to the incoming span arrays, so spans of decided traces are
 * freed while other spans of the same request are still buffered.
 */
export interface Origin {
  readonly resource: Resource | null;
  readonly resourceSchemaUrl: string;
  readonly scope: Scope | null;
  readonly scopeSchemaUrl: string;
  readonly resourceAttrs: KeyValue[];
}

const NO_ATTRS: KeyValue[] = [];

/** The origin of the spans of `ss` under `rs`. */
export function originOf(rs: ResourceSpans, ss: ScopeSpans): Origin {
  return { resource: rs.resource, resourceSchemaUrl: rs.schemaUrl, scope: ss.scope, scopeSchemaUrl: ss.schemaUrl, resourceAttrs: rs.resource?.attributes ?? NO_ATTRS };
}

/** The writer every PendingTrace encodes with (one thread; each encoding is copied out). */
const WRITER = new ProtoWriter(1 << 16);

/**
 * One buffered trace: the facts policies read (recorded by the processor's FactSchema as spans are
 * added) and its spans, held encoded (protobuf, one blob per trace per incoming ScopeSpans) once
 * {@link seal} has run. A kept trace's spans go on as LazySpans ({@link drainKept}); a dropped one's are never decoded.
 */
export class PendingTrace extends TraceFacts implements TraceView {
  private blobs: Uint8Array[] = [];
  private blobOrigins: Origin[] = [];
  private staged: Span[] = [];
  private stagedOrigin: Origin | undefined;
  /** When the root span arrived (ms), or undefined. */
  rootAtMs: number | undefined;
  /** Set once the trace is decided (it may still sit in a queue). */
  decided = false;
  /** The decision a kept trace's spans are stamped with, until they are handed on. */
  keptAs: KeptDecision | undefined;

  constructor(readonly key: string, readonly firstAtMs: number, readonly randomness: bigint) {
    super();
  }

  /** Marks the trace decided and lets go of its spans (it may still sit in a queue for a while). */
  release(): void {
    this.decided = true;
    this.blobs = [];
    this.blobOrigins = [];
    this.staged = [];
    this.stagedOrigin = undefined;
    this.keptAs = undefined;
  }

  /** Adds a span (its facts are recorded separately); it stays decoded until {@link seal}. Returns whether it is the first staged one. */
  add(span: Span, origin: Origin): boolean {
    if (this.stagedOrigin !== origin && this.staged.length) this.seal();
    const first = this.staged.length === 0;
    this.staged.push(span);
    this.stagedOrigin = origin;
    return first;
  }

  /** Encodes the staged spans into one blob. */
  seal(): void {
    if (!this.staged.length || this.decided) return;
    this.blobs.push(encodeSpanGroup(WRITER, this.staged));
    this.blobOrigins.push(this.stagedOrigin!);
    this.staged = [];
    this.stagedOrigin = undefined;
  }

  /**
   * Hands every span of the kept traces `traces` to `each` with its origin, trace by trace, each in
   * arrival order, and lets go of the traces. Sealed spans are handed on as LazySpans over their
   * blobs (decoded only if something downstream reads them); staged ones as they are.
   */
  static drainKept(traces: readonly PendingTrace[], each: (t: PendingTrace, span: Span, origin: Origin) => void): void {
    const spans: Span[] = [];
    for (const t of traces) {
      for (let b = 0; b < t.blobs.length; b++) {
        const o = t.blobOrigins[b]!;
        spans.length = 0;
        lazySpansOf(t.blobs[b]!, spans);
        for (const s of spans) each(t, s, o);
      }
      for (const s of t.staged) each(t, s, t.stagedOrigin!);
      t.release();
    }
  }
}

/** The key of a trace id: a 16-byte id as 8 UTF-16 code units (no Buffer, no hex), other lengths as latin1. */
export function traceKey(id: Uint8Array): string {
  if (id.length !== 16) return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('latin1');
  return String.fromCharCode(
    (id[0]! << 8) | id[1]!, (id[2]! << 8) | id[3]!, (id[4]! << 8) | id[5]!, (id[6]! << 8) | id[7]!,
    (id[8]! << 8) | id[9]!, (id[10]! << 8) | id[11]!, (id[12]! << 8) | id[13]!, (id[14]! << 8) | id[15]!);
}

/** Spans with their origins as one OTLP batch: one ResourceSpans per resource, one ScopeSpans per scope. */
export function toTraces(spans: readonly Span[], origins: readonly Origin[]): TracesData {
  const byResource = new Map<Resource | null, { rs: ResourceSpans; scopes: Map<Scope | null, ScopeSpans> }>();
  const out: TracesData = { resourceSpans: [] };
  for (let i = 0; i < spans.length; i++) {
    const o = origins[i]!;
    let r = byResource.get(o.resource);
    if (!r) {
      r = { rs: { resource: o.resource, schemaUrl: o.resourceSchemaUrl, scopeSpans: [] }, scopes: new Map() };
      byResource.set(o.resource, r);
      out.resourceSpans.push(r.rs);
    }
    let ss = r.scopes.get(o.scope);
    if (!ss) {
      ss = { scope: o.scope, schemaUrl: o.scopeSchemaUrl, spans: [] };
      r.scopes.set(o.scope, ss);
      r.rs.scopeSpans.push(ss);
    }
    ss.spans.push(spans[i]!);
  }
  return out;
}

/**
 * Traces in the order of a deadline that only grows (arrival, root arrival). Decided traces are
 * skipped at the head and, past `bound` entries, compacted away, so the queue stays bounded.
 */
export class TraceQueue {
  private items: PendingTrace[] = [];
  private head = 0;
  constructor(private readonly bound: number) {}

  push(t: PendingTrace): void {
    this.items.push(t);
    if (this.items.length - this.head > this.bound) this.compact();
  }

  /** The first undecided trace, or undefined. */
  peek(): PendingTrace | undefined {
    const q = this.items;
    while (this.head < q.length && q[this.head]!.decided) this.head++;
    if (this.head > 1024 && this.head * 2 > q.length) { this.items = q.slice(this.head); this.head = 0; }
    return this.items[this.head];
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private compact(): void {
    this.items = this.items.slice(this.head).filter((t) => !t.decided);
    this.head = 0;
  }
}

/** What one consume call or timer sweep hands on: kept traces (handed on as lazy spans at the end) and spans already stamped (late spans of kept traces, head-sampled ones). */
export class Sweep {
  readonly kept: PendingTrace[] = [];
  readonly spans: Span[] = [];
  readonly origins: Origin[] = [];
}

/** Whether two ids are equal (`b` may be missing). */
export function sameId(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** Spans in a batch. */
export function spanCount(td: TracesData): number {
  let n = 0;
  for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}
