// The facts recorded per buffered span: what policies decide on without decoding the trace.
import { describe, expect, it } from 'vitest';
import { FactSchema, TraceFacts } from './facts.js';
import { tspan } from './test-kit.js';

describe('tail_sampling trace facts', () => {
  it('records span tests beyond 31 (several words of hit bits), each hit once any span passes', () => {
    const schema = new FactSchema();
    const tests = Array.from({ length: 70 }, (_, i) => schema.test((s) => s.name === `op${i}`));
    const f = new TraceFacts();
    for (const i of [0, 30, 31, 62, 69]) schema.record(f, tspan(1, { name: `op${i}` }), [], false);
    expect(tests.filter((t) => f.hit(t))).toEqual([0, 30, 31, 62, 69]);
    expect(f.count).toBe(5);
  });

  it('key fields: the latest root span with the field wins, else the first other span; span before resource', () => {
    const schema = new FactSchema();
    const route = schema.field('http.route');
    const svc = schema.field('service.name');
    expect(schema.field('http.route')).toBe(route);
    const f = new TraceFacts();
    schema.record(f, tspan(1, { child: true, attrs: { 'http.route': '/a' } }), [{ key: 'service.name', value: 'x' }], false);
    schema.record(f, tspan(1, { child: true, attrs: { 'http.route': '/b' } }), [], false);
    expect([f.fieldText(route), f.fieldText(svc)]).toEqual(['/a', 'x']);
    schema.record(f, tspan(1, { attrs: { 'http.route': '/root' } }), [{ key: 'service.name', value: 'y' }], true);
    expect([f.fieldText(route), f.fieldText(svc)]).toEqual(['/root', 'y']);
    expect(new TraceFacts().fieldText(route)).toBe('');
  });

  it('earliest start and latest end over the spans recorded', () => {
    const schema = new FactSchema();
    const f = new TraceFacts();
    schema.record(f, tspan(1, { startTimeUnixNano: 200n, endTimeUnixNano: 300n }), [], true);
    schema.record(f, tspan(1, { child: true, startTimeUnixNano: 100n, endTimeUnixNano: 250n }), [], false);
    schema.record(f, tspan(1, { child: true, startTimeUnixNano: 150n, endTimeUnixNano: 400n }), [], false);
    expect([f.minStartNs, f.maxEndNs]).toEqual([100n, 400n]);
  });
});
