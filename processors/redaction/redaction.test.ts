// The redaction processor on whole batches: exact outputs for spans, events, links, resources,
// metrics and logs; the Collector's keys; its counters.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KeyValue, LogsData, MetricsData, Span, TracesData } from '../../agent/pdata/model.js';
import { kv, metric, metrics, numberPoint, span, traces } from '../../test/fixtures/prometheus/otlp.js';
import { testSettings } from '../../test/kit/settings.js';
import { redactionFactory } from './index.js';
import { decodeTracesRequest } from '../../agent/pdata/proto-decode.js';
import { encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import { DecodedSpan } from '../../agent/pdata/span-edit.js';

const CARD = '4111 1111 1111 1111';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
const obj = (attrs: KeyValue[]) => Object.fromEntries(attrs.map((a) => [a.key, a.value]));

async function run<D>(signal: 'traces' | 'metrics' | 'logs', cfg: Record<string, unknown>, data: D, id = 'redaction') {
  const got: D[] = [];
  const settings = testSettings(id, signal);
  const p = redactionFactory.create[signal]!(settings, redactionFactory.parse(cfg), { consume: async (d: any) => { got.push(d); } });
  await p.start(settings.host);
  await p.consume(data as any);
  await p.shutdown();
  expect(p.mutates).toBe(true);
  return { out: got[0]!, metrics: await settings.render() };
}

const spanOf = (td: TracesData): Span => td.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

function sample(): TracesData {
  const s = span({
    name: `charge ${CARD}`,
    attributes: kv({
      'http.route': '/pay', 'payment.card': `card ${CARD} ok`, 'payment.note': '4111 1111 1111 1112',
      'http.request.header.authorization': 'Basic dXNlcjpwYXNz', 'http.request.header.cookie': ['sid=1'],
      'http.response.header.set-cookie': ['a=b; HttpOnly'], 'db.password': 'hunter2',
      upstream: 'sent Authorization: Bearer abc.DEF-123_x= upstream', query: `t=${JWT}&x=1`,
      'gen_ai.usage.input_tokens': 42n, 'llm.token_count.prompt': 5n, 'user.email': 'ops@example.com', 'client.address': '10.0.0.1',
      'aws.key': 'AKIAIOSFODNN7EXAMPLE', empty: '', 'app.card_as_int': 4111111111111111n,
    }),
    events: [{ timeUnixNano: 1n, name: 'auth', droppedAttributesCount: 0, attributes: kv({ header: 'Bearer s3cr3t', password: 'x' }) }],
    links: [{ traceId: new Uint8Array(16), spanId: new Uint8Array(8), traceState: '', flags: 0, droppedAttributesCount: 0, attributes: kv({ 'link.token': JWT }) }],
    status: { code: 2, message: `declined ${CARD}` },
  });
  return traces({ 'service.name': 'checkout', 'deploy.secret': 'abc', 'host.name': 'node-1' }, [s]);
}

describe('redaction: {} (the defaults)', () => {
  it('masks cards, bearer tokens, JWTs, AWS keys and credential keys in span, event, link and resource attributes; keeps the rest', async () => {
    const { out, metrics } = await run('traces', {}, sample());
    const s = spanOf(out);
    expect(obj(s.attributes)).toEqual({
      'http.route': '/pay', 'payment.card': 'card **** ok', 'payment.note': '4111 1111 1111 1112',
      'http.request.header.authorization': '****', 'http.request.header.cookie': '****',
      'http.response.header.set-cookie': '****', 'db.password': '****',
      upstream: 'sent Authorization: Bearer **** upstream', query: 't=****&x=1',
      'gen_ai.usage.input_tokens': 42n, 'llm.token_count.prompt': 5n, 'user.email': 'ops@example.com', 'client.address': '10.0.0.1',
      'aws.key': '****', empty: '', 'app.card_as_int': 4111111111111111n,
    });
    expect(s.name).toBe('charge ****');
    expect(s.status.message).toBe('declined ****');
    expect(obj(s.events[0]!.attributes)).toEqual({ header: 'Bearer ****', password: '****' });
    expect(obj(s.links[0]!.attributes)).toEqual({ 'link.token': '****' });
    expect(obj(out.resourceSpans[0]!.resource!.attributes)).toEqual({ 'service.name': 'checkout', 'deploy.secret': '****', 'host.name': 'node-1' });
    // no summary attributes by default
    expect(s.attributes.some((a) => a.key.startsWith('redaction.'))).toBe(false);
    const line = (kind: string) => new RegExp(`outrider_redaction_masked_total\\{[^}]*kind="${kind}"[^}]*\\} (\\d+)`).exec(metrics)?.[1];
    expect({ card: line('credit_card'), bearer: line('bearer_token'), jwt: line('jwt'), aws: line('aws_access_key'), key: line('sensitive_key') })
      .toEqual({ card: '3', bearer: '2', jwt: '1', aws: '1', key: '7' }); // link.token is a credential key: masked whole
    expect(metrics).toMatch(/outrider_redaction_masked_total\{[^}]*processor="redaction"/);
    expect(metrics).not.toMatch(/outrider_redaction_removed_attributes_total\{/);
  });

  it('spans decoded from protobuf are sent as redacted, not as received; untouched ones as received', async () => {
    const clean = span({ name: 'GET /cart', attributes: kv({ 'http.route': '/cart/{id}' }) });
    const body = encodeTracesRequest(traces({ 'service.name': 'pay' }, [sample().resourceSpans[0]!.scopeSpans[0]!.spans[0]!, clean]));
    const input = decodeTracesRequest(body);
    const { out } = await run('traces', {}, input);
    const sent = Buffer.from(encodeTracesRequest(out));
    for (const secret of [CARD, JWT, 'hunter2', 's3cr3t', 'AKIAIOSFODNN7EXAMPLE']) expect(sent.includes(Buffer.from(secret))).toBe(false);
    const [redacted, untouched] = out.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(DecodedSpan.rawAttributes(redacted!)).toBe(-1);
    expect(DecodedSpan.rawAttributes(untouched!)).toBe(1);
    expect(decodeTracesRequest(sent)).toEqual(out);
  });

  it('passes a batch with nothing to mask unchanged', async () => {
    const input = traces({ 'service.name': 'cart' }, [span({ name: 'GET /cart', attributes: kv({ 'http.route': '/cart/{id}', 'http.response.status_code': 200n }) })]);
    const before = structuredClone(input);
    const { out } = await run('traces', {}, input);
    expect(out).toEqual(before);
  });
});

describe('the Collector keys', () => {
  it('allowed_keys deletes every other key (summary debug lists them); allowed values and ignored keys pass', async () => {
    const input = traces({ 'service.name': 'svc' }, [span({ name: 'op', attributes: kv({ id: '1', name: `n ${CARD}`, birth_date: 'x', mothers_maiden_name: 'y', safe: `${CARD}`, note: 'support@mycompany.com 4111111111111111' }) })]);
    const { out, metrics } = await run('traces', { allowed_keys: ['id', 'name', 'note'], ignored_keys: ['safe'], allowed_values: ['.+@mycompany\\.com'], summary: 'debug' }, input);
    expect(obj(spanOf(out).attributes)).toEqual({
      id: '1', name: 'n ****', safe: CARD, note: 'support@mycompany.com 4111111111111111',
      'redaction.redacted.keys': 'birth_date,mothers_maiden_name', 'redaction.redacted.count': 2n,
      'redaction.masked.keys': 'name', 'redaction.masked.count': 1n,
      'redaction.allowed.keys': 'note', 'redaction.allowed.count': 1n,
      'redaction.ignored.count': 1n,
    });
    // service.name is not allowed either
    expect(out.resourceSpans[0]!.resource!.attributes).toEqual([{ key: 'redaction.redacted.keys', value: 'service.name' }, { key: 'redaction.redacted.count', value: 1n }]);
    expect(metrics).toMatch(/outrider_redaction_removed_attributes_total\{[^}]*processor="redaction"[^}]*\} 3\b/);
  });

  it('allow_all_keys: false without allowed_keys deletes every attribute (fail-closed); summary info counts only', async () => {
    const input = traces({}, [span({ name: 'op', attributes: kv({ a: '1', b: 'Bearer x' }) })]);
    const { out } = await run('traces', { allow_all_keys: false, summary: 'info' }, input);
    expect(spanOf(out).attributes).toEqual(kv({ 'redaction.redacted.count': 2n }));
  });

  it('a second processor keeps and adds to the first one\'s summary', async () => {
    const input = traces({}, [span({ name: 'op', attributes: kv({ a: `${CARD}`, b: 'Bearer x', c: '1' }) })]);
    const cfg = { allowed_keys: ['a', 'b'], summary: 'debug', detectors: { bearer_token: false } };
    const { out: once } = await run('traces', cfg, input);
    const { out: twice } = await run('traces', { ...cfg, detectors: {} }, once);
    expect(obj(spanOf(twice).attributes)).toEqual({
      a: '****', b: 'Bearer ****', 'redaction.redacted.keys': 'c', 'redaction.redacted.count': 1n,
      'redaction.masked.keys': 'a,b', 'redaction.masked.count': 2n,
    });
  });

  it('blocked_key_patterns mask whole values, blocked_values mask their matches; (?i) is case-insensitive', async () => {
    const input = traces({}, [span({ name: 'op', attributes: kv({ 'user.PIN': 1234n, 'card.cvv': '123', note: 'IBAN DE89370400440532013000 ok', ok: 'fine' }) })]);
    const { out, metrics } = await run('traces', { blocked_key_patterns: ['(?i).*pin.*', 'cvv$'], blocked_values: ['[A-Z]{2}\\d{20}'] }, input);
    expect(obj(spanOf(out).attributes)).toEqual({ 'user.PIN': '****', 'card.cvv': '****', note: 'IBAN **** ok', ok: 'fine' });
    expect(metrics).toMatch(/outrider_redaction_masked_total\{[^}]*kind="blocked_key"[^}]*\} 2\b/);
    expect(metrics).toMatch(/outrider_redaction_masked_total\{[^}]*kind="blocked_value"[^}]*\} 1\b/);
  });

  it.each([['sha256', 'sha256'], ['sha1', 'sha1'], ['md5', 'md5'], ['sha3', 'sha3-256']])('hash_function %s replaces each finding by its hex digest', async (fn, alg) => {
    const hex = (s: string) => createHash(alg).update(s).digest('hex');
    const input = traces({}, [span({ name: 'op', attributes: kv({ card: `card ${CARD}`, password: 'hunter2', auth: 'Bearer tok3n' }) })]);
    const { out } = await run('traces', { hash_function: fn }, input);
    expect(obj(spanOf(out).attributes)).toEqual({ card: `card ${hex(CARD)}`, password: hex('hunter2'), auth: `Bearer ${hex('tok3n')}` });
  });

  it('redact_all_types checks numbers by their text; a masked number becomes a string', async () => {
    const input = traces({}, [span({ name: 'op', attributes: kv({ card: 4111111111111111n, n: 42n, f: 1.5, list: ['x', CARD], map: { kvlistValue: kv({ token: 'abc', inner: `Bearer q` }) } }) })]);
    const { out } = await run('traces', { redact_all_types: true }, input);
    expect(obj(spanOf(out).attributes)).toEqual({ card: '****', n: 42n, f: 1.5, list: ['x', '****'], map: { kvlistValue: kv({ token: '****', inner: 'Bearer ****' }) } });
  });

  it('mask_sensitive_keys: false leaves credential keys to the value detectors', async () => {
    const input = traces({}, [span({ name: 'op', attributes: kv({ 'db.password': 'hunter2', authorization: 'Bearer abc' }) })]);
    const { out } = await run('traces', { mask_sensitive_keys: false }, input);
    expect(obj(spanOf(out).attributes)).toEqual({ 'db.password': 'hunter2', authorization: 'Bearer ****' });
  });
});

describe('metrics and logs', () => {
  it('masks data point, exemplar and resource attributes of every metric type', async () => {
    const point = numberPoint(1, { 'http.route': '/pay', card: CARD, authorization: 'x' });
    const withExemplar = { ...numberPoint(2, { user: 'u' }), exemplars: [{ filteredAttributes: kv({ jwt: JWT }), timeUnixNano: 1n, value: 1, spanId: new Uint8Array(8), traceId: new Uint8Array(16) }] };
    const input: MetricsData = metrics({ 'service.name': 'svc', 'cloud.secret': 's' }, [
      metric('requests', '1', { type: 'sum', dataPoints: [point, withExemplar], aggregationTemporality: 2, isMonotonic: true }),
      metric('latency', 'ms', { type: 'summary', dataPoints: [{ attributes: kv({ peer: `Bearer t0k` }), startTimeUnixNano: 0n, timeUnixNano: 1n, count: 1, sum: 1, quantileValues: [], flags: 0 }] }),
    ]);
    const { out, metrics: text } = await run('metrics', {}, input);
    const ms = out.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    expect(obj(ms[0]!.data!.dataPoints[0]!.attributes)).toEqual({ 'http.route': '/pay', card: '****', authorization: '****' });
    expect(obj((ms[0]!.data as any).dataPoints[1].exemplars[0].filteredAttributes)).toEqual({ jwt: '****' });
    expect(obj(ms[1]!.data!.dataPoints[0]!.attributes)).toEqual({ peer: 'Bearer ****' });
    expect(obj(out.resourceMetrics[0]!.resource!.attributes)).toEqual({ 'service.name': 'svc', 'cloud.secret': '****' });
    expect(text).toMatch(/outrider_redaction_masked_total\{[^}]*kind="credit_card"[^}]*\} 1\b/);
  });

  it('masks log record attributes and bodies (strings and kvlists)', async () => {
    const rec = (body: any, attributes: KeyValue[] = []) => ({ timeUnixNano: 1n, observedTimeUnixNano: 1n, severityNumber: 9, severityText: 'INFO', body, attributes, droppedAttributesCount: 0, flags: 0, traceId: new Uint8Array(0), spanId: new Uint8Array(0), eventName: '' });
    const input: LogsData = { resourceLogs: [{ resource: null, schemaUrl: '', scopeLogs: [{ scope: null, schemaUrl: '', logRecords: [
      rec(`paid with ${CARD}`, kv({ cookie: 'sid=1' })),
      rec({ kvlistValue: kv({ password: 'p', msg: 'Bearer abc' }) }),
    ] }] }] };
    const { out } = await run('logs', {}, input);
    const [a, b] = out.resourceLogs[0]!.scopeLogs[0]!.logRecords;
    expect([a!.body, obj(a!.attributes)]).toEqual(['paid with ****', { cookie: '****' }]);
    expect(b!.body).toEqual({ kvlistValue: kv({ password: '****', msg: 'Bearer ****' }) });
  });
});

describe('config', () => {
  it('names every problem with its key path', () => {
    expect(redactionFactory.validate({ blocked_values: ['ok', '(unclosed'], hash_function: 'sha512', summary: 'loud', detectors: { phone: true }, url_sanitizer: {} })).toEqual([
      { path: 'blocked_values.1', message: expect.stringMatching(/^invalid regular expression '\(unclosed': /) },
      { path: 'hash_function', message: expect.stringContaining("'sha512'") },
      { path: 'summary', message: expect.stringContaining("'loud'") },
      { path: 'detectors.phone', message: 'unknown key' },
      { path: 'url_sanitizer', message: 'unknown key' },
    ]);
  });

  it('the defaults: all keys kept, secrets detectors on, e-mail and IPs off, credential keys masked, silent', () => {
    expect(redactionFactory.createDefaultConfig()).toEqual({
      ignored_keys: [], blocked_key_patterns: [], blocked_values: [], allowed_values: [], redact_all_types: false, hash_function: 'none', summary: 'silent',
      detectors: { credit_card: true, bearer_token: true, jwt: true, aws_access_key: true, email: false, ipv4: false, ipv6: false }, mask_sensitive_keys: true,
    });
  });
});
