// Rules: derived metrics, templating, the SLO tiers as alerts, CRUD through the API, config validation, stats.
import { describe, expect, test } from 'vitest';
import { spans, startAlerting, SPAN_LABELS } from '../../test/kit/alerting.js';
import { alertingServiceFactory } from './service.js';
import { unknownNotifiers } from './config.js';
import { loadConfig } from '../../config/loader.js';
import { factoryMap } from '../factories.js';
import { printf, render } from './template.js';
import { query, QueryCache } from './metrics.js';
import { SloRegistry } from '../../processors/slo/service.js';
import { testSettings } from '../../test/kit/settings.js';

const S = 1000, M = 60_000;

describe('derived metrics', () => {
  test('span_rate, span_error_ratio per service, latency quantiles in ms, cost per hour, gauges', () => {
    const s = testSettings('q');
    spans(s, 'checkout', 90);
    spans(s, 'checkout', 10, true, 'POST /pay');
    spans(s, 'cart', 30);
    const d = s.signals.distribution('span_duration_ms', SPAN_LABELS);
    for (let i = 1; i <= 100; i++) d.series(['checkout', 'GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', '']).observe(i);
    s.signals.counter('cost_usd', ['service_name', 'kind', 'model']).series(['chat', 'llm', 'gpt']).add(0.5);
    s.signals.gauge('slo_burn_rate', ['slo', 'service', 'window']).series(['pay', 'checkout', '1h']).set(3);
    const q = (metric: string, extra: object = {}) => query(s.signals, { metric, labels: {}, labels_re: {}, window: 5 * M, ...extra });
    expect(q('span_rate')).toEqual([{ labels: { service_name: 'checkout' }, value: 100 / 300 }, { labels: { service_name: 'cart' }, value: 30 / 300 }]);
    expect(q('span_error_ratio', { labels: { service_name: 'checkout' } })).toEqual([{ labels: { service_name: 'checkout' }, value: 0.1 }]);
    expect(q('span_error_ratio', { by: ['service_name', 'span_name'], labels_re: { service_name: 'check.*' } }).map((x) => [x.labels.span_name, x.value]))
      .toEqual([['GET /pay', 0], ['POST /pay', 1]]);
    const p95 = q('span_latency_p95')[0]!.value;
    expect(p95).toBeGreaterThan(90);
    expect(p95).toBeLessThanOrEqual(100);
    expect(q('cost_usd_rate')).toEqual([{ labels: { service_name: 'chat' }, value: 0.5 * 12 }]);
    expect(q('slo_burn_rate', { labels: { window: '1h' } })).toEqual([{ labels: { slo: 'pay', service: 'checkout', window: '1h' }, value: 3 }]);
    expect(q('sampling_decisions')).toEqual([]); // nothing published: no data
    expect(q('span_error_ratio', { labels: { service_name: 'nobody' } })).toEqual([]);
  });
});

describe('trace links of span rules', () => {
  test('a span_error_ratio alert carries recent error trace ids of its service, linked through trace_url_template', async () => {
    const h = await startAlerting({
      evaluation_interval: '10s', max_trace_links: 2, trace_url_template: 'https://jaeger/trace/{trace_id}', group_wait: '0s', default_notifiers: ['slack/oncall'],
      rules: [{ name: 'HighErrorRate', metric: 'span_error_ratio', threshold: 0.05 }],
    });
    spans(h.s, 'checkout', 5, true);
    h.s.signals.recordTrace('span_errors', { service_name: 'checkout', span_name: 'GET /pay' }, 'a1');
    h.s.signals.recordTrace('span_errors', { service_name: 'cart', span_name: 'GET /cart' }, 'b1');
    h.s.signals.recordTrace('span_errors', { service_name: 'checkout', span_name: 'POST /pay' }, 'a2');
    h.s.signals.recordTrace('span_errors', { service_name: 'checkout', span_name: 'POST /pay' }, 'a3');
    await h.s.clock.advance(10_000);
    expect(h.api.alerts()[0]!.traceIds).toEqual(['a3', 'a2']);
    await h.s.clock.advance(1);
    expect(h.rec.sent[0]!.alerts[0]!.traces).toEqual([{ traceId: 'a3', url: 'https://jaeger/trace/a3' }, { traceId: 'a2', url: 'https://jaeger/trace/a2' }]);
    await h.svc.shutdown();
  });
});

describe('query cache', () => {
  test('rules asking the same question read the signals once per evaluation', () => {
    const s = testSettings('q');
    spans(s, 'checkout', 10, true);
    let selects = 0;
    const select = s.signals.select.bind(s.signals);
    s.signals.select = (...a) => { selects++; return select(...a); };
    const cache = new QueryCache(s.signals);
    const q = { metric: 'span_error_ratio', labels: {}, labels_re: {}, window: 5 * M };
    expect(cache.query(q)).toEqual([{ labels: { service_name: 'checkout' }, value: 1 }]);
    expect(cache.query({ ...q })).toBe(cache.query(q));
    expect(selects).toBe(1);
    cache.query({ ...q, window: M });
    expect(selects).toBe(2);
  });
});

describe('templating', () => {
  test('$labels, $value and printf in annotations and add_labels', async () => {
    expect(render('{{ $labels.service_name }} at {{ $value | printf "%.2f" }} ({{$value}}) {{ $labels.none }}|{{ .Other }}', { labels: { service_name: 'checkout' }, value: 0.12345 }))
      .toBe('checkout at 0.12 (0.12345) |{{ .Other }}');
    expect(printf('%d%% %.1f %s', 42.7)).toBe('42% 42.7 42.7');
    const h = await startAlerting({
      evaluation_interval: '10s',
      rules: [{
        name: 'HighErrorRate', metric: 'span_error_ratio', window: '5m', threshold: 0.05, severity: 'high',
        add_labels: { team: 'payments', owner: '{{ $labels.service_name }}-oncall' },
        annotations: { summary: '{{ $labels.service_name }} fails {{ $value | printf "%.1f" }} of requests', runbook_url: 'https://runbooks/{{ $labels.alertname }}' },
      }],
    });
    spans(h.s, 'checkout', 3);
    spans(h.s, 'checkout', 2, true);
    await h.s.clock.advance(10 * S);
    expect(h.api.alerts()[0]).toMatchObject({
      labels: { alertname: 'HighErrorRate', severity: 'high', service_name: 'checkout', team: 'payments', owner: 'checkout-oncall' },
      annotations: { summary: 'checkout fails 0.4 of requests', runbook_url: 'https://runbooks/HighErrorRate' },
    });
    await h.svc.shutdown();
  });
});

describe('SLO burn-rate tiers', () => {
  test('a firing tier becomes SLOBurnRate with the mapped severity, burn rate and the SLO\'s bad trace ids as links', async () => {
    const slo = new SloRegistry();
    slo.attach('slo', { list: () => [], get: (n) => (n === 'pay' ? ({} as never) : undefined), badTraceIds: () => ['aa', 'bb', 'cc'] });
    const h = await startAlerting({
      evaluation_interval: '10s', max_trace_links: 2, trace_url_template: 'https://jaeger/trace/{trace_id}', group_wait: '0s',
      routes: [{ match: { alertname: 'SLOBurnRate', severity: 'critical' }, notifiers: ['pagerduty/primary'] }],
    }, { slo });
    const g = h.s.signals.gauge('slo_alert', ['slo', 'service', 'severity', 'long_window', 'short_window']);
    g.series(['pay', 'checkout', 'page', '1h', '5m']).set(20);
    g.series(['pay', 'checkout', 'ticket', '1d', '2h']).set(0);
    await h.s.clock.advance(10 * S);
    const firing = h.api.alerts({ state: 'firing' });
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({
      name: 'SLOBurnRate', source: 'slo', severity: 'critical', value: 20, traceIds: ['cc', 'bb'],
      labels: { alertname: 'SLOBurnRate', slo: 'pay', service: 'checkout', tier: 'page', long_window: '1h', short_window: '5m', severity: 'critical' },
      annotations: { burn_rate: '20.00' },
    });
    await h.s.clock.advance(1);
    expect(h.rec.sent[0]!.alerts[0]!.traces).toEqual([{ traceId: 'cc', url: 'https://jaeger/trace/cc' }, { traceId: 'bb', url: 'https://jaeger/trace/bb' }]);
    g.series(['pay', 'checkout', 'page', '1h', '5m']).set(0);
    await h.s.clock.advance(10 * S);
    expect(h.api.alerts({ state: 'resolved' }).map((a) => a.name)).toEqual(['SLOBurnRate']);
    await h.svc.shutdown();
  });
});

describe('rules through the API', () => {
  const body = { name: 'SlowCheckout', metric: 'span_latency_p99', labels: { service_name: 'checkout' }, window: '5m', operator: 'gt', threshold: 500, severity: 'high' };

  test('validated like the file, stored, evaluated at the next evaluation, kept over a restart; file rules are read-only', async () => {
    const file = { name: 'HighErrorRate', metric: 'span_error_ratio', threshold: 0.05, window: '5m', for: '2m' };
    const h = await startAlerting({ evaluation_interval: '10s', rules: [file] });
    expect(h.api.rules()).toEqual([{ id: 'HighErrorRate', source: 'file', rule: expect.objectContaining({ name: 'HighErrorRate', window: '5m', for: '2m', keep_firing_for: '0s' }) }]);
    expect(() => h.api.addRule({ ...body, window: 5 }, 'alice')).toThrow(/alerting\.rules\.window: a duration needs a unit/);
    expect(() => h.api.addRule({ ...body, name: 'HighErrorRate' }, 'alice')).toThrow(/exists already/);
    expect(() => h.api.updateRule('HighErrorRate', body, 'alice')).toThrow(/config file and cannot be changed/);
    expect(() => h.api.deleteRule('HighErrorRate', 'alice')).toThrow(/config file/);
    const r = h.api.addRule(body, 'alice');
    expect(r).toMatchObject({ source: 'api', rule: body });
    const d = h.s.signals.distribution('span_duration_ms', SPAN_LABELS);
    d.series(['checkout', 'GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', '']).observe(900);
    await h.s.clock.advance(10 * S);
    expect(h.api.alerts({ state: 'firing' })).toMatchObject([{ name: 'SlowCheckout', source: r.id, value: 900 }]);
    expect(h.api.updateRule(r.id, { ...body, threshold: 1000 }, 'bob')).toMatchObject({ id: r.id, rule: { threshold: 1000 } });
    expect(h.api.updateRule('api-nope', body, 'bob')).toBeUndefined();

    const h2 = await h.restart();
    expect(h2.api.rules().map((x) => [x.id, x.source])).toEqual([['HighErrorRate', 'file'], [r.id, 'api']]);
    await h2.s.clock.advance(10 * S); // threshold 1000 now: resolved
    expect(h2.api.alerts({ state: 'resolved' }).map((a) => a.name)).toEqual(['SlowCheckout']);
    d.series(['checkout', 'GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', '']).observe(2000);
    expect(h2.api.deleteRule(r.id, 'bob')).toBe(true);
    await h2.s.clock.advance(10 * S);
    expect(h2.api.alerts({ state: 'firing' })).toEqual([]);
    await h2.svc.shutdown();
  });
});

describe('config', () => {
  test('every problem with its key path; cross-references once the shapes are right', () => {
    const shapes = alertingServiceFactory.validate({
      rules: [{ name: 'A', metric: 'span_rate', threshold: 1, operator: 'bigger' }, { name: 'B', metric: 'x', threshold: 'lots', severity: 'urgent' }],
      routes: [{ match: { severity: 'critical' }, routes: [{ match_re: { a: '(' } }], receiver: 'x' }],
      mute_time_intervals: [{ name: 'm', time_intervals: [{ times: [{ start_time: '9am', end_time: '17:00' }], weekdays: ['funday'] }] }],
      trace_url_template: 'https://jaeger/trace/',
    }).map((p) => p.path);
    expect(shapes.sort()).toEqual([
      'trace_url_template',
      'mute_time_intervals.0.time_intervals.0.times.0.start_time', 'mute_time_intervals.0.time_intervals.0.weekdays.0',
      'routes.0.receiver', 'routes.0.routes.0.match_re.a', 'rules.0.operator', 'rules.1.severity', 'rules.1.threshold',
    ].sort());
    const refs = alertingServiceFactory.validate({
      evaluation_interval: '0s',
      rules: [{ name: 'A', metric: 'span_rate', threshold: 1 }, { name: 'A', metric: 'x', threshold: 2 }],
      routes: [{ match: { severity: 'critical' }, escalation: 'nope', mute_time_intervals: ['never'] }],
      escalations: [{ name: 'e', levels: [{ after: '10m', notifiers: ['a/b'] }, { after: '5m', notifiers: ['c/d'] }] }],
    });
    expect(refs.map((p) => `${p.path}: ${p.message}`).sort()).toEqual([
      "escalations.0.levels.1.after: each level's after must be later than the previous level's",
      'evaluation_interval: must be more than 0',
      "routes.0.escalation: no escalation named 'nope' in alerting.escalations",
      "routes.0.mute_time_intervals.0: no mute time interval named 'never'",
      "rules.1.name: rule name 'A' is used twice",
    ]);
  });
});

describe('notifier ids at validation', () => {
  test('route, default and escalation notifiers missing from the notifiers section are warned about with their key paths', () => {
    const r = loadConfig({ yaml: `
receivers: { otlp: }
exporters: { debug: }
service: { pipelines: { traces: { receivers: [otlp], exporters: [debug] } } }
alerting:
  default_notifiers: [teams/dev]
  escalations: [{ name: e, levels: [{ notifiers: [slack/oncall] }] }]
  routes: [{ match: { severity: critical }, notifiers: [pagerduty/primary], routes: [{ notifiers: [email/team] }] }]
` }, factoryMap(), {});
    expect(r.problems).toEqual([]);
    expect(r.warnings!.map((w) => w.path)).toEqual([
      'alerting.default_notifiers.0', 'alerting.routes.0.notifiers.0', 'alerting.routes.0.routes.0.notifiers.0', 'alerting.escalations.0.levels.0.notifiers.0',
    ]);
    expect(r.warnings![1]!.message).toBe("no notifier 'pagerduty/primary' in the notifiers section; its notifications are dropped unless a channel of that id is added through the API");
    expect(unknownNotifiers(alertingServiceFactory.parse({ routes: [{ notifiers: ['slack/a', 'slack/b'] }] }), { 'slack/a': {} }).map((w) => w.path)).toEqual(['alerting.routes.0.notifiers.1']);
  });
});

describe('stats', () => {
  test('counts by state and severity, mean time to acknowledge and to resolve, per rule', async () => {
    const h = await startAlerting({});
    const a = h.api.trigger({ name: 'A', severity: 'critical' }, 'u');
    const b = h.api.trigger({ name: 'B', severity: 'low' }, 'u');
    h.api.trigger({ name: 'A', severity: 'critical', labels: { x: '1' } }, 'u');
    await h.s.clock.advance(M);
    h.api.acknowledge(a.id, 'u');
    await h.s.clock.advance(M);
    h.api.resolve(a.id, 'u');
    await h.s.clock.advance(2 * M);
    h.api.resolve(b.id, 'u');
    expect(h.api.stats()).toEqual({
      byState: { pending: 0, firing: 1, acknowledged: 0, resolved: 2 },
      bySeverity: { critical: 2, high: 0, medium: 0, low: 1, info: 0 },
      mttaMs: M, mttrMs: (2 * M + 4 * M) / 2,
      perRule: [
        { rule: 'A', fired: 2, resolved: 1, mttaMs: M, mttrMs: 2 * M },
        { rule: 'B', fired: 1, resolved: 1, mttaMs: null, mttrMs: 4 * M },
      ],
    });
    await h.svc.shutdown();
  });
});
