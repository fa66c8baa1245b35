#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=1048576 node --max-semi-space-size=16 --heap-growing-percent=300
// The outrider command: run, validate, version.
import { parseArgs } from 'node:util';
import { Agent } from './agent.js';
import { formatProblem } from './component.js';
import { catalogFor } from './factory-registry.js';
import { agentVersion } from './version.js';
import { scheduleIdleCompaction } from './idle-compaction.js';
import { systemClock } from './clock.js';
import { DEFAULT_CONFIG_PATH, loadConfigFor } from '../config/loader.js';
import type { SloConfig } from '../processors/slo/config.js';
import type { RulesFormat } from '../processors/slo/rules.js';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';

const USAGE = `usage: outrider <command> [options]

commands:
  run [--config FILE]        run the agent (default: $OUTRIDER_CONFIG, else the embedded default config);
                             SIGHUP reloads the config file, SIGTERM/SIGINT stop
  validate --config FILE     check a config; prints every problem with its key path, exit 1 on problems
  slo rules --config FILE [--format prometheus|prometheus-operator]
                             print Prometheus recording and alerting rules for the config's SLOs
  slo import FILE            print processors.slo.objectives from OpenSLO v1 SLO documents
  version                    print the version
`;

async function run(configPath: string | undefined): Promise<void> {
  let agent: Agent;
  try {
    agent = await Agent.start({ path: configPath }, { onFatal: () => process.exit(1) });
  } catch (err) {
    process.stderr.write(`outrider: ${(err as Error).message}\n`);
    process.exit(1);
  }
  // an idle agent gives back its start-up garbage at once (a busy one is left alone)
  scheduleIdleCompaction(systemClock, undefined, undefined, (ran) => { if (ran) agent.logger.debug('idle after start-up: heap compacted'); });
  let signals = 0;
  const stop = (signal: string) => {
    if (++signals > 1) { process.stderr.write(`outrider: ${signal} again, exiting now\n`); process.exit(1); }
    const timer = setTimeout(() => {
      agent.logger.error({ timeoutMs: agent.config.shutdownTimeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, agent.config.shutdownTimeoutMs);
    timer.unref();
    agent.stop().then(() => process.exit(0), (err) => { agent.logger.error({ err }, 'shutdown failed'); process.exit(1); });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // SIGHUP reloads the config file; a bad file is refused and logged, the running config stays.
  process.on('SIGHUP', () => {
    agent.logger.info('SIGHUP: reloading the config');
    agent.reload().catch((err) => agent.logger.error({ err }, 'config reload failed'));
  });
}

async function validate(configPath: string | undefined): Promise<void> {
  const loaded = await loadConfigFor(configPath ?? DEFAULT_CONFIG_PATH, (keys) => catalogFor(keys));
  for (const w of loaded.warnings ?? []) process.stderr.write(`  warning: ${formatProblem(w)}\n`);
  if (loaded.problems.length === 0) {
    process.stdout.write(`${loaded.source}: valid\n`);
    process.exit(0);
  }
  process.stderr.write(`${loaded.source}: ${loaded.problems.length} problem(s)\n`);
  for (const p of loaded.problems) process.stderr.write(`  ${formatProblem(p)}\n`);
  process.exit(1);
}

// The slo commands load their modules when run: whatever `run` loads stays resident for the agent's life.
async function sloRules(configPath: string, format: string): Promise<void> {
  if (format !== 'prometheus' && format !== 'prometheus-operator') {
    process.stderr.write(`outrider slo rules: --format must be prometheus or prometheus-operator, got '${format}'\n`);
    process.exit(2);
  }
  const loaded = await loadConfigFor(configPath, (keys) => catalogFor(keys));
  if (!loaded.config) {
    process.stderr.write(`${loaded.source}: ${loaded.problems.length} problem(s)\n`);
    for (const p of loaded.problems) process.stderr.write(`  ${formatProblem(p)}\n`);
    process.exit(1);
  }
  const defs = [...loaded.config.components.values()]
    .filter((c) => c.kind === 'processor' && c.type === 'slo')
    .flatMap((c) => (c.config as SloConfig).objectives);
  // Prometheus sums events; a timeslices SLO has no counter of good minutes across sidecars
  for (const d of defs.filter((x) => x.budgeting === 'timeslices')) process.stderr.write(`outrider slo rules: '${d.name}' uses timeslices budgeting; its fleet rules count occurrences\n`);
  for (const d of defs.filter((x) => x.calendar)) process.stderr.write(`outrider slo rules: '${d.name}' uses a calendar month; its fleet rules use a rolling 30d\n`);
  const { sloRulesYaml } = await import('../processors/slo/rules.js');
  process.stdout.write(sloRulesYaml(defs, format as RulesFormat));
}

async function sloImport(file: string | undefined): Promise<void> {
  if (!file) { process.stderr.write(`outrider slo import: FILE is required\n${USAGE}`); process.exit(2); }
  const [{ fromOpenSlo }, { sloProcessorFactory }] = await Promise.all([import('../processors/slo/openslo.js'), import('../processors/slo/index.js')]);
  const { objectives, problems } = fromOpenSlo(readFileSync(file, 'utf8'));
  problems.push(...sloProcessorFactory.validate({ objectives }).map((p) => formatProblem(p)));
  for (const p of problems) process.stderr.write(`outrider slo import: ${p}\n`);
  process.stdout.write(`# processors.slo, from the OpenSLO documents of ${file}\n${stringify({ objectives })}`);
  if (problems.length) process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { config: { type: 'string', short: 'c' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command = 'run'] = positionals;
  if (values.help) { process.stdout.write(USAGE); return; }
  const configPath = values.config ?? (process.env.OUTRIDER_CONFIG || undefined);
  switch (command) {
    case 'run': return run(configPath);
    case 'validate':
      if (!values.config) { process.stderr.write(`outrider validate: --config FILE is required\n${USAGE}`); process.exit(2); }
      return validate(values.config);
    case 'slo':
      if (positionals[1] === 'import') return sloImport(positionals[2]);
      if (positionals[1] !== 'rules' || !values.config) { process.stderr.write(`outrider slo rules: --config FILE is required\n${USAGE}`); process.exit(2); }
      return sloRules(values.config, values.format ?? 'prometheus');
    case 'version': process.stdout.write(`outrider ${agentVersion()}\n`); return;
    default: process.stderr.write(`outrider: unknown command '${command}'\n${USAGE}`); process.exit(2);
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`outrider: ${(err as Error).message}\n`);
  process.exit(2);
});
