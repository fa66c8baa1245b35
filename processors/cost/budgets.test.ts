// Budgets on the fake clock: spend, spend ratio and projection published as signals, exact.
import { describe, expect, test } from 'vitest';
import { llmSpan, setupCost, traces } from '../../test/kit/cost.js';
import { testSettings } from '../../test/kit/settings.js';

const CFG = {
  llm: { prices: [{ model: 'm', prices: { input: 1000 } }], include_defaults: false },
  compute: { enabled: false },
  attribution: { keys: ['team'] },
  budgets: [
    { name: 'llm-daily', match: { kind: 'llm' }, period: 'day', limit_usd: 0.5 },
    { name: 'search-monthly', match: { team: 'search', service_name: 'chat' }, period: 'month', limit_usd: 10 },
    { name: 'other-team', match: { team: 'ads' }, period: 'day', limit_usd: 1 },
  ],
};
const H = 3_600_000;

describe('budgets', () => {
  test('a tiny budget crosses 100 % under a known load; spend, ratio and projection are exact', async () => {
    const settings = testSettings('cost'); // the fake clock starts at 2026-01-01T00:00Z
    const { proc, started } = setupCost(CFG, settings);
    await started;
    const g = (name: string, budget: string) => settings.signals.select(name, { budget })[0]?.last(24 * H);
    await settings.clock.advance(6 * H);
    // three calls of 250 tokens at 1,000 USD per 1M = 0.75 USD
    const spans = [0, 1, 2].map(() => llmSpan({ 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 250 }));
    await proc.consume(traces({ 'service.name': 'chat', team: 'search' }, spans));
    expect(g('budget_spend_usd', 'llm-daily')).toBe(0.75);
    expect(g('budget_spend_ratio', 'llm-daily')).toBe(1.5);
    expect(g('budget_projected_usd', 'llm-daily')).toBe(3); // 0.75 over 6 h → 24 h
    expect(g('budget_limit_usd', 'llm-daily')).toBe(0.5);
    expect(g('budget_spend_ratio', 'search-monthly')).toBe(0.075);
    expect(g('budget_projected_usd', 'search-monthly')).toBe(93); // 0.75 over 6 h → 31 days
    expect(g('budget_spend_usd', 'other-team')).toBe(0);

    // the projection follows the clock at each flush tick: 12 h in, same spend → 1.5
    await settings.clock.advance(6 * H);
    expect(g('budget_projected_usd', 'llm-daily')).toBe(1.5);

    // a restarted processor loads the period's spend from the rollups
    await proc.shutdown();
    const again = setupCost(CFG, settings);
    await again.started;
    expect(again.proc.budget('llm-daily')).toEqual({ spendUsd: 0.75, ratio: 1.5, projectedUsd: 1.5 });
    expect(again.proc.budget('search-monthly')?.spendUsd).toBe(0.75);

    // the next UTC day starts from 0; the month goes on
    await settings.clock.advance(12 * H);
    expect(g('budget_spend_usd', 'llm-daily')).toBe(0);
    expect(g('budget_spend_usd', 'search-monthly')).toBe(0.75);
    await again.proc.shutdown();
  });

  test('a budget matching an unknown label or two attribution keys is a config error', async () => {
    const { costProcessorFactory } = await import('./index.js');
    const problems = costProcessorFactory.validate({ attribution: { keys: ['team', 'tenant.id'] }, budgets: [
      { name: 'a', match: { region: 'eu' }, period: 'day', limit_usd: 1 },
      { name: 'b', match: { team: 'x', 'tenant.id': 'y' }, period: 'day', limit_usd: 1 },
    ] });
    expect(problems.map((p) => p.path)).toEqual(['budgets.0.match.region', 'budgets.1.match']);
    expect(costProcessorFactory.validate({ budgets: [{ name: 'w', period: 'week', limit_usd: 1 }] }).map((p) => p.path)).toEqual(['budgets.0.period']);
  });
});
