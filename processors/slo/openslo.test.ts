// OpenSLO v1 input: SLO documents become valid slo processor objectives; what cannot be is named.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { CLI } from '../../test/kit/agent-process.js';
import { tempDir } from '../../test/kit/config.js';
import { sloProcessorFactory } from './index.js';
import { fromOpenSlo } from './openslo.js';

const DOCS = `
apiVersion: openslo/v1
kind: Service
metadata: { name: checkout }
spec: { description: the shop }
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: checkout-availability }
spec:
  service: checkout
  indicator: { metadata: { name: ok-ratio }, spec: { ratioMetric: { counter: true, good: {}, total: {} } } }
  timeWindow: [{ duration: 4w, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ displayName: ok, target: 0.999 }]
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: checkout-latency }
spec:
  service: checkout
  indicator: { metadata: { name: latency }, spec: { thresholdMetric: {} } }
  timeWindow: [{ duration: 1M, isRolling: false, calendar: { startTime: "2026-01-01 00:00:00", timeZone: UTC } }]
  budgetingMethod: Timeslices
  objectives:
    - { displayName: Fast, op: lte, value: 300, targetPercent: 95, timeSliceTarget: 0.9 }
    - { displayName: Not Slow, op: lte, value: 1000, target: 0.99 }
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: api-errors }
spec:
  service: checkout
  indicator:
    metadata: { name: api-errors }
    spec:
      ratioMetric:
        counter: true
        bad: { metricSource: { type: Prometheus, spec: { query: 'http_requests_total{code=~"5.."}' } } }
        total: { metricSource: { type: Prometheus, spec: { query: http_requests_total } } }
  timeWindow: [{ duration: 7d, isRolling: true }]
  objectives: [{ target: 0.995 }]
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: ratio-slices }
spec: { service: x, budgetingMethod: RatioTimeslices, timeWindow: [{ duration: 7d, isRolling: true }], objectives: [{ target: 0.9 }] }
`;

describe('OpenSLO input', () => {
  test('SLO documents become objectives the processor accepts (a counter ratioMetric of plain selectors: a ratio SLI); unsupported ones are named', () => {
    const { objectives, problems } = fromOpenSlo(DOCS);
    expect(problems).toEqual(["SLO 'ratio-slices': budgetingMethod RatioTimeslices is not supported (Occurrences, Timeslices)"]);
    expect(objectives).toEqual([
      { name: 'checkout-availability', service: 'checkout', sli: 'availability', objective: 0.999, window: '28d' },
      { name: 'checkout-latency-fast', service: 'checkout', sli: { latency: '300ms' }, objective: 0.95, window: 'month', budgeting: 'timeslices', time_slice_target: 0.9 },
      { name: 'checkout-latency-not-slow', service: 'checkout', sli: { latency: '1000ms' }, objective: 0.99, window: 'month', budgeting: 'timeslices' },
      { name: 'api-errors', service: 'checkout', sli: { ratio: { bad: 'http_requests_total{code=~"5.."}', total: 'http_requests_total' } }, objective: 0.995, window: '7d' },
    ]);
    const cfg = sloProcessorFactory.parse({ objectives });
    expect(cfg.objectives.map((o) => [o.name, o.sli.kind, o.sli.threshold_ms, o.window / 86_400_000, o.calendar, o.budgeting, o.time_slice_target]))
      .toEqual([
        ['checkout-availability', 'availability', 0, 28, false, 'occurrences', 0.999],
        ['checkout-latency-fast', 'latency', 300, 31, true, 'timeslices', 0.9],
        ['checkout-latency-not-slow', 'latency', 1000, 31, true, 'timeslices', 0.99],
        ['api-errors', 'ratio', 0, 7, false, 'occurrences', 0.995],
      ]);
  });

  test('outrider slo import FILE prints the objectives (built CLI); an unsupported document exits 1 naming it', () => {
    const dir = tempDir();
    const good = join(dir, 'good.yaml');
    writeFileSync(good, DOCS.slice(0, DOCS.lastIndexOf('---')));
    const out = execFileSync(process.execPath, [CLI, 'slo', 'import', good], { encoding: 'utf8', timeout: 20_000 });
    expect(parse(out)).toEqual({ objectives: fromOpenSlo(DOCS).objectives });
    const all = join(dir, 'all.yaml');
    writeFileSync(all, DOCS);
    const r = spawnSync(process.execPath, [CLI, 'slo', 'import', all], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("SLO 'ratio-slices': budgetingMethod RatioTimeslices is not supported");
  });

  test('processors.slo.openslo_files: its SLOs follow the inline ones; problems name the file (validate, built CLI)', () => {
    const dir = tempDir();
    const good = join(dir, 'slos.yaml');
    writeFileSync(good, DOCS.slice(0, DOCS.lastIndexOf('---')));
    const cfg = sloProcessorFactory.parse({ objectives: [{ name: 'inline', service: 'checkout', sli: 'availability', objective: 0.9 }], openslo_files: [good] });
    expect(cfg.objectives.map((o) => [o.name, o.sli.kind])).toEqual([
      ['inline', 'availability'], ['checkout-availability', 'availability'], ['checkout-latency-fast', 'latency'], ['checkout-latency-not-slow', 'latency'], ['api-errors', 'ratio']]);
    const all = join(dir, 'all.yaml');
    writeFileSync(all, DOCS);
    const missing = join(dir, 'nope.yaml');
    const problems = sloProcessorFactory.validate({ objectives: [{ name: 'api-errors', service: 'x', sli: 'availability', objective: 0.9 }], openslo_files: [all, missing] })
      .map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual([
      `openslo_files.0: '${all}': SLO 'ratio-slices': budgetingMethod RatioTimeslices is not supported (Occurrences, Timeslices)`,
      expect.stringMatching(new RegExp(`^openslo_files\\.1: cannot read '${missing}': ENOENT`)),
      `openslo_files.0: SLO name 'api-errors' is used twice (from '${all}')`,
    ]);
    const config = join(dir, 'agent.yaml');
    writeFileSync(config, `
storage: { path: ${join(dir, 'o.db')} }
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }
processors: { slo: { openslo_files: [${all}] } }
exporters: { nop: {} }
service: { pipelines: { traces: { receivers: [otlp], processors: [slo], exporters: [nop] } } }
`);
    const r = spawnSync(process.execPath, [CLI, 'validate', '--config', config], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toContain(`processors.slo.openslo_files.0: '${all}': SLO 'ratio-slices': budgetingMethod RatioTimeslices is not supported`);
  });
});
