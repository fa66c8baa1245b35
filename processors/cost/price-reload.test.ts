// Hot reload of the price file: a change applies to new spans at the next check; a broken file
// is refused with a log line naming the problem and the old prices stay.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../../test/kit/config.js';
import { attr, llmSpan, setupCost, traces } from '../../test/kit/cost.js';
import { testSettings } from '../../test/kit/settings.js';
import { costProcessorFactory } from './index.js';

const file = (input: number) => `date: 2026-01-01\nmodels:\n  - { model: m, prices: { input: ${input} } }\n`;

describe('price file reload', () => {
  test('a changed file applies to new spans within one check interval; a broken one is refused, logged, the old prices kept', async () => {
    const path = join(tempDir(), 'prices.yaml');
    writeFileSync(path, file(1000));
    const logs: string[] = [];
    const settings = testSettings('cost', { logger: pino({ level: 'info' }, { write: (s: string) => { logs.push(s); } }) });
    const { proc, started } = setupCost({ llm: { prices_file: path, include_defaults: false }, compute: { enabled: false } }, settings);
    await started;
    const price = async () => {
      const s = llmSpan({ 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 250 });
      await proc.consume(traces({ 'service.name': 'chat' }, [s]));
      return attr(s, 'gen_ai.usage.cost');
    };
    expect(await price()).toBe(0.25);
    writeFileSync(path, file(2000)); // same size, maybe the same mtime tick: still seen
    expect(await price()).toBe(0.25); // not before the check
    await settings.clock.advance(1000);
    expect(await price()).toBe(0.5);

    writeFileSync(path, 'models:\n  - { model: m, prices: { input: -3 } }\n');
    await settings.clock.advance(1000);
    expect(await price()).toBe(0.5);
    const line = logs.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.level === 50);
    expect(line?.msg).toBe(`cost: llm.prices_file refused, keeping the previous prices: '${path}': models.0.prices.input: must be at least 0, got -3`);

    writeFileSync(path, file(4000));
    await settings.clock.advance(1000);
    expect(await price()).toBe(1);
    const text = await settings.render();
    expect(text).toContain('outrider_cost_price_reloads_total{outcome="success",processor="cost"} 2');
    expect(text).toContain('outrider_cost_price_reloads_total{outcome="failure",processor="cost"} 1');
    await proc.shutdown();
  });

  test('a broken price file at start is a config error naming the file and the problem', () => {
    const path = join(tempDir(), 'prices.yaml');
    writeFileSync(path, 'models:\n  - { model: m, match: "[", prices: { input: 1 } }\n');
    const problems = costProcessorFactory.validate({ llm: { prices_file: path } });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('llm.prices_file');
    expect(problems[0]!.message).toMatch(new RegExp(`^'${path}': models\\.0\\.match: not a valid regular expression`));
    expect(costProcessorFactory.validate({ llm: { prices_file: join(path, 'nope') } })[0]!.message).toMatch(/^cannot read '.*nope'/);
  });
});
