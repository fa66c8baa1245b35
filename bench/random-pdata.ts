// Random (seeded) OTLP data in the internal model covering every field and value kind, for property tests.
import type {
  AnyValue, Exemplar, ExpBuckets, KeyValue, LogsData, Metric, MetricsData, Resource, Scope, TracesData,
} from '../agent/pdata/model.js';
import { seededRandom } from './fixtures.js';

/** A seeded generator of random model values. */
export class RandomPdata {
  readonly rnd: () => number;
  constructor(seed: number) { this.rnd = seededRandom(seed); }

  int(n: number): number { return Math.floor(this.rnd() * n); }
  chance(p: number): boolean { return this.rnd() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  list<T>(max: number, f: () => T): T[] { const n = this.int(max + 1); const out: T[] = []; for (let i = 0; i < n; i++) out.push(f()); return out; }

  string(): string {
    return this.pick(['', 'a', 'http.route', 'GET', 'héllo wörld', '日本語テキスト', 'emoji 🚀 ok', 'x'.repeat(200), `s-${this.int(1e6)}`, 'ĀĒĪ']);
  }
  bytes(n = this.int(20)): Uint8Array { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = this.int(256); return b; }
  id(size: number): Uint8Array { return this.chance(0.1) ? new Uint8Array(0) : this.bytes(size); }
  uint32(): number { return this.pick([0, 1, 127, 128, 300, 65535, 0x7fffffff, 0xffffffff, this.int(0x100000000)]); }
  enum(max: number): number { return this.chance(0.05) ? -1 : this.int(max + 1); }
  count(): number { return this.pick([0, 1, 127, 128, 2 ** 32, 2 ** 53 - 1, this.int(1e9)]); }
  u64(): bigint { return this.pick([0n, 1n, 1_704_067_200_123_456_789n, 2n ** 63n, 2n ** 64n - 1n, BigInt(this.int(1e9)) * 1_000_000_007n]); }
  i64(): bigint { return this.pick([0n, 1n, -1n, 127n, 128n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -(2n ** 53n) - 3n, BigInt(this.int(1e6)) - 500000n]); }
  double(): number { return this.pick([0, 1.5, -2.25, 1e300, -1e-300, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, this.rnd() * 1000]); }

  anyValue(depth = 0): AnyValue {
    switch (this.int(depth < 3 ? 9 : 7)) {
      case 0: return this.string();
      case 1: return this.chance(0.5);
      case 2: return this.i64();
      case 3: return this.double();
      case 4: return this.bytes();
      case 5: return null;
      case 6: return this.pick(['', false, 0, 0n]);
      case 7: return this.list(4, () => this.anyValue(depth + 1));
      default: return { kvlistValue: this.attributes(4, depth + 1) };
    }
  }
  attributes(max = 6, depth = 0): KeyValue[] { return this.list(max, () => ({ key: this.string(), value: this.anyValue(depth) })); }
  resource(): Resource | null {
    return this.chance(0.15) ? null : { attributes: this.attributes(), droppedAttributesCount: this.uint32() };
  }
  scope(): Scope | null {
    return this.chance(0.15) ? null : { name: this.string(), version: this.string(), attributes: this.attributes(3), droppedAttributesCount: this.uint32() };
  }

  traces(): TracesData {
    return {
      resourceSpans: this.list(3, () => ({
        resource: this.resource(), schemaUrl: this.string(),
        scopeSpans: this.list(3, () => ({
          scope: this.scope(), schemaUrl: this.string(),
          spans: this.list(4, () => ({
            traceId: this.id(16), spanId: this.id(8), traceState: this.string(), parentSpanId: this.id(8),
            flags: this.uint32(), name: this.string(), kind: this.enum(5), startTimeUnixNano: this.u64(),
            endTimeUnixNano: this.u64(), attributes: this.attributes(), droppedAttributesCount: this.uint32(),
            events: this.list(3, () => ({ timeUnixNano: this.u64(), name: this.string(), attributes: this.attributes(3), droppedAttributesCount: this.uint32() })),
            droppedEventsCount: this.uint32(),
            links: this.list(2, () => ({
              traceId: this.id(16), spanId: this.id(8), traceState: this.string(), attributes: this.attributes(3),
              droppedAttributesCount: this.uint32(), flags: this.uint32(),
            })),
            droppedLinksCount: this.uint32(),
            status: { message: this.string(), code: this.enum(2) },
          })),
        })),
      })),
    };
  }

  private value(): number | bigint { return this.chance(0.5) ? this.i64() : this.double(); }
  private exemplars(): Exemplar[] {
    return this.list(2, () => ({ filteredAttributes: this.attributes(2), timeUnixNano: this.u64(), value: this.value(), spanId: this.id(8), traceId: this.id(16) }));
  }
  private opt(): number | undefined { return this.chance(0.3) ? undefined : this.double(); }
  private buckets(): ExpBuckets | null {
    return this.chance(0.2) ? null : { offset: this.pick([0, 1, -1, -100, 2 ** 31 - 1, -(2 ** 31)]), bucketCounts: this.list(5, () => this.count()) };
  }
  private base() { return { attributes: this.attributes(3), startTimeUnixNano: this.u64(), timeUnixNano: this.u64() }; }

  metric(): Metric {
    const m = { name: this.string(), description: this.string(), unit: this.string(), metadata: this.attributes(2) };
    const numberPoints = () => this.list(3, () => ({ ...this.base(), value: this.value(), exemplars: this.exemplars(), flags: this.uint32() }));
    switch (this.int(6)) {
      case 0: return { ...m, data: { type: 'gauge', dataPoints: numberPoints() } };
      case 1: return { ...m, data: { type: 'sum', dataPoints: numberPoints(), aggregationTemporality: this.enum(2), isMonotonic: this.chance(0.5) } };
      case 2: return {
        ...m, data: {
          type: 'histogram', aggregationTemporality: this.enum(2),
          dataPoints: this.list(3, () => ({
            ...this.base(), count: this.count(), sum: this.opt(), bucketCounts: this.list(5, () => this.count()),
            explicitBounds: this.list(4, () => this.double()), exemplars: this.exemplars(), flags: this.uint32(), min: this.opt(), max: this.opt(),
          })),
        },
      };
      case 3: return {
        ...m, data: {
          type: 'exponentialHistogram', aggregationTemporality: this.enum(2),
          dataPoints: this.list(3, () => ({
            ...this.base(), count: this.count(), sum: this.opt(), scale: this.pick([0, 3, -4, 20, -10]), zeroCount: this.count(),
            positive: this.buckets(), negative: this.buckets(), flags: this.uint32(), exemplars: this.exemplars(),
            min: this.opt(), max: this.opt(), zeroThreshold: this.double(),
          })),
        },
      };
      case 4: return {
        ...m, data: {
          type: 'summary',
          dataPoints: this.list(3, () => ({
            ...this.base(), count: this.count(), sum: this.double(), flags: this.uint32(),
            quantileValues: this.list(3, () => ({ quantile: this.double(), value: this.double() })),
          })),
        },
      };
      default: return { ...m, data: null };
    }
  }

  metrics(): MetricsData {
    return {
      resourceMetrics: this.list(3, () => ({
        resource: this.resource(), schemaUrl: this.string(),
        scopeMetrics: this.list(3, () => ({ scope: this.scope(), schemaUrl: this.string(), metrics: this.list(4, () => this.metric()) })),
      })),
    };
  }

  logs(): LogsData {
    return {
      resourceLogs: this.list(3, () => ({
        resource: this.resource(), schemaUrl: this.string(),
        scopeLogs: this.list(3, () => ({
          scope: this.scope(), schemaUrl: this.string(),
          logRecords: this.list(4, () => ({
            timeUnixNano: this.u64(), observedTimeUnixNano: this.u64(), severityNumber: this.enum(24), severityText: this.string(),
            body: this.anyValue(), attributes: this.attributes(), droppedAttributesCount: this.uint32(), flags: this.uint32(),
            traceId: this.id(16), spanId: this.id(8), eventName: this.string(),
          })),
        })),
      })),
    };
  }
}
