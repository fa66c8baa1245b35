// Deterministic generator of realistic traces (HTTP, DB and RPC spans) in the internal model, for benches.
import type { AnyValue, KeyValue, Resource, Span, SpanEvent, TracesData } from '../agent/pdata/model.js';
import { SpanKind, StatusCode } from '../agent/pdata/model.js';

/** Shape of the generated data. */
export interface TracesFixtureOptions {
  /** Resources (services) in the request; default 1. */
  resources?: number;
  /** Spans per resource (one scope each); default 100. */
  spansPerResource?: number;
  /** Fewest attributes per span; default 10. */
  minAttributes?: number;
  /** Most attributes per span; default 20. */
  maxAttributes?: number;
  /** Share of spans with status ERROR (0..1); default 0.05. */
  errorRate?: number;
  /** Share of spans with events (0..1); default 0.2. */
  eventRate?: number;
  /** PRNG seed; the same seed gives the same data. Default 1. */
  seed?: number;
  /** Start time of the first trace, ns since the epoch; default 2024-01-01T00:00:00Z. */
  startNs?: bigint;
}

/** A small fast seeded PRNG (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = ['checkout', 'cart', 'payment', 'frontend', 'inventory', 'shipping', 'recommendation', 'auth'];
const ROUTES = ['/api/v1/cart/{id}', '/api/v1/checkout', '/api/v1/products', '/api/v1/products/{sku}', '/healthz', '/api/v2/orders/{orderId}/items'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const TABLES = ['orders', 'carts', 'users', 'products', 'payments'];
const EXTRA: [string, (rnd: () => number, i: number) => AnyValue][] = [
  ['user_agent.original', () => 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36'],
  ['client.address', (r) => `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`],
  ['network.protocol.version', () => '1.1'],
  ['http.request.body.size', (r) => BigInt(Math.floor(r() * 10000))],
  ['http.response.body.size', (r) => BigInt(Math.floor(r() * 100000))],
  ['app.cache.hit', (r) => r() < 0.7],
  ['app.cart.total', (r) => Math.round(r() * 50000) / 100],
  ['app.user.id', (r) => `user-${Math.floor(r() * 1e6)}`],
  ['app.feature_flags', () => ['new-checkout', 'fast-cart']],
  ['thread.name', (_r, i) => `worker-${i % 16}`],
  ['code.function', () => 'handleRequest'],
  ['code.namespace', () => 'com.example.shop.CheckoutController'],
];

function hexish(rnd: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

function kv(key: string, value: AnyValue): KeyValue {
  return { key, value };
}

function makeResource(service: string, i: number): Resource {
  return {
    attributes: [
      kv('service.name', service), kv('service.version', '1.42.0'), kv('service.namespace', 'shop'),
      kv('deployment.environment.name', 'production'), kv('host.name', `node-${i}.eu-west-1.compute.internal`),
      kv('k8s.pod.name', `${service}-7d9f8b6c5-x${i}q2z`), kv('k8s.namespace.name', 'shop'),
      kv('telemetry.sdk.name', 'opentelemetry'), kv('telemetry.sdk.language', 'nodejs'), kv('telemetry.sdk.version', '2.0.1'),
      kv('process.pid', BigInt(1000 + i)),
    ],
    droppedAttributesCount: 0,
  };
}

/**
 * Realistic OTLP traces: per resource one scope of `spansPerResource` spans grouped into traces of
 * up to 10 spans (a SERVER root with CLIENT/INTERNAL children), 10–20 attributes each, some errors
 * with an exception event, some log-like events.
 */
export function makeTracesData(opts: TracesFixtureOptions = {}): TracesData {
  const rnd = seededRandom(opts.seed ?? 1);
  const resources = opts.resources ?? 1;
  const perResource = opts.spansPerResource ?? 100;
  const minA = opts.minAttributes ?? 10;
  const maxA = opts.maxAttributes ?? 20;
  const errorRate = opts.errorRate ?? 0.05;
  const eventRate = opts.eventRate ?? 0.2;
  let t = opts.startNs ?? 1_704_067_200_000_000_000n;
  const td: TracesData = { resourceSpans: [] };
  for (let r = 0; r < resources; r++) {
    const service = SERVICES[r % SERVICES.length];
    const spans: Span[] = [];
    let traceId = hexish(rnd, 16);
    let rootId = hexish(rnd, 8);
    for (let i = 0; i < perResource; i++) {
      const isRoot = i % 10 === 0;
      if (isRoot && i > 0) { traceId = hexish(rnd, 16); rootId = hexish(rnd, 8); }
      const spanId = isRoot ? rootId : hexish(rnd, 8);
      const durNs = BigInt(Math.floor(rnd() * 500_000_000) + 100_000);
      t += BigInt(Math.floor(rnd() * 1_000_000));
      const isError = rnd() < errorRate;
      const route = ROUTES[Math.floor(rnd() * ROUTES.length)];
      const method = METHODS[Math.floor(rnd() * METHODS.length)];
      const attributes: KeyValue[] = [];
      let kind: number = SpanKind.INTERNAL;
      let name = 'process';
      if (isRoot || rnd() < 0.3) {
        kind = isRoot ? SpanKind.SERVER : SpanKind.CLIENT;
        name = `${method} ${route}`;
        attributes.push(kv('http.request.method', method), kv('http.route', route), kv('url.path', route.replace(/\{\w+\}/g, '42')),
          kv('url.scheme', 'https'), kv('server.address', `${service}.shop.svc.cluster.local`), kv('server.port', 8080n),
          kv('http.response.status_code', BigInt(isError ? 500 : 200)));
      } else {
        kind = SpanKind.CLIENT;
        const table = TABLES[Math.floor(rnd() * TABLES.length)];
        name = `SELECT ${table}`;
        attributes.push(kv('db.system', 'postgresql'), kv('db.namespace', 'shop'), kv('db.operation.name', 'SELECT'),
          kv('db.collection.name', table), kv('db.query.text', `SELECT * FROM ${table} WHERE id = $1 AND tenant = $2 LIMIT 100`),
          kv('server.address', 'postgres.shop.svc.cluster.local'), kv('server.port', 5432n));
      }
      const want = minA + Math.floor(rnd() * (maxA - minA + 1));
      for (let k = 0; attributes.length < want && k < EXTRA.length; k++) attributes.push(kv(EXTRA[k][0], EXTRA[k][1](rnd, i)));
      for (let k = 0; attributes.length < want; k++) attributes.push(kv(`app.extra.${k}`, `value-${Math.floor(rnd() * 1000)}`));
      const events: SpanEvent[] = [];
      if (isError) {
        events.push({
          timeUnixNano: t + durNs / 2n, name: 'exception', droppedAttributesCount: 0,
          attributes: [kv('exception.type', 'Error'), kv('exception.message', 'connection reset by peer'),
            kv('exception.stacktrace', 'Error: connection reset by peer\n    at Socket.onError (net.js:123:45)\n    at emit (events.js:1:1)')],
        });
      }
      if (rnd() < eventRate) {
        events.push({ timeUnixNano: t + 1000n, name: 'cache.lookup', attributes: [kv('cache.key', `cart:${i}`), kv('cache.hit', true)], droppedAttributesCount: 0 });
      }
      spans.push({
        traceId, spanId, traceState: '', parentSpanId: isRoot ? new Uint8Array(0) : rootId, flags: 0x101,
        name, kind, startTimeUnixNano: t, endTimeUnixNano: t + durNs, attributes, droppedAttributesCount: 0,
        events, droppedEventsCount: 0, links: [], droppedLinksCount: 0,
        status: isError ? { message: 'internal error', code: StatusCode.ERROR } : { message: '', code: StatusCode.UNSET },
      });
    }
    td.resourceSpans.push({
      resource: makeResource(service, r),
      scopeSpans: [{
        scope: { name: '@opentelemetry/instrumentation-http', version: '0.52.1', attributes: [], droppedAttributesCount: 0 },
        spans, schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      }],
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    });
  }
  return td;
}
