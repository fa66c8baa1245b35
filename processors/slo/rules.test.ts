// Generated fleet rules: promtool check rules on several SLO kinds and windows, promtool test rules
// on the shipped unit test (the page alert), and `outrider slo rules` printing the same text.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { factoryMap } from '../../agent/factories.js';
import { loadConfig } from '../../config/loader.js';
import { CLI } from '../../test/kit/agent-process.js';
import { tempDir } from '../../test/kit/config.js';
import type { SloConfig } from './config.js';
import { sloRulesYaml } from './rules.js';

const DATA = fileURLToPath(new URL('./testdata/', import.meta.url));
const AGENT = join(DATA, 'agent.yaml');

function defs() {
  const loaded = loadConfig(AGENT, factoryMap(), {});
  expect(loaded.problems).toEqual([]);
  return (loaded.config!.components.get('processor:slo')!.config as SloConfig).objectives;
}

function promtool(...args: string[]) {
  const r = spawnSync('promtool', args, { cwd: DATA, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('slo rules', () => {
  test('the shipped rules.yaml is what the generator makes from testdata/agent.yaml', () => {
    expect(sloRulesYaml(defs())).toBe(readFileSync(join(DATA, 'rules.yaml'), 'utf8'));
  });

  test('promtool check rules passes (availability 30d, latency 7d, route-matched 28d; both formats)', () => {
    const r = promtool('check', 'rules', join(DATA, 'rules.yaml'));
    expect(r.out).toContain('SUCCESS: 72 rules found');
    expect(r.code).toBe(0);
    const operator = parse(sloRulesYaml(defs(), 'prometheus-operator')) as { kind: string; spec: { groups: unknown[] } };
    expect(operator.kind).toBe('PrometheusRule');
    const file = join(tempDir(), 'operator-groups.yaml');
    writeFileSync(file, JSON.stringify({ groups: operator.spec.groups }));
    expect(promtool('check', 'rules', file).code).toBe(0);
  });

  test('promtool test rules: a 20 % burst from one sidecar pages on the 1h & 5m tier only', () => {
    const r = promtool('test', 'rules', 'page-alert.test.yaml');
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  test('promtool test rules: window counts are the sidecars\' own (last − first sample), increase() only across a reset', () => {
    const r = promtool('test', 'rules', 'exact-counts.test.yaml');
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  test('28d factors in the alert expressions: 13.44, 5.6, 2.8, 0.933…', () => {
    const text = sloRulesYaml(defs().filter((d) => d.name === 'pay-route'));
    for (const f of ['> 13.44 ', '> 5.6 ', '> 2.8 ', '> 0.933333333333 ']) expect(text).toContain(f);
    expect(text).not.toContain(') >= '); // min_events: 0 has no guard
  });

  test('outrider slo rules --config prints the same rules (built CLI)', () => {
    const out = execFileSync(process.execPath, [CLI, 'slo', 'rules', '--config', AGENT], { encoding: 'utf8', timeout: 20_000 });
    expect(out).toBe(sloRulesYaml(defs()));
  });
});
