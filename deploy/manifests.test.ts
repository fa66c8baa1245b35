// The deployment kit holds together: the Kubernetes manifests and the compose file pass schema
// checks, every Outrider config in them validates, the generated SLO rules are current and pass
// promtool, the Prometheus and Alertmanager configs pass their own checkers.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../agent/component.js';
import { factoryMap } from '../agent/factories.js';
import { loadConfig } from '../config/loader.js';
import { sloRulesYaml } from '../processors/slo/rules.js';
import { tempDir } from '../test/kit/config.js';
import { k8sObject, composeFile } from './schemas.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const k8sDir = join(here, 'kubernetes');
const objects = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml')).flatMap((f) =>
  parseAllDocuments(readFileSync(join(k8sDir, f), 'utf8')).map((d, i) => ({ where: `${f}#${i}`, obj: d.toJS() as Record<string, any> })));
const byKind = (kind: string) => objects.filter((o) => o.obj.kind === kind).map((o) => o.obj);

/** Problems of an Outrider config text (written to a file, loaded like `outrider validate`). */
function outriderProblems(text: string): string[] {
  const file = join(tempDir(), 'outrider.yaml');
  writeFileSync(file, text);
  const r = loadConfig(file, factoryMap(), {});
  return [...r.problems, ...(r.warnings ?? [])].map(formatProblem);
}

function sloObjectives(text: string) {
  return (parse(text) as any).processors.slo.objectives;
}

function promtool(...args: string[]): string {
  return execFileSync('promtool', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('Kubernetes manifests', () => {
  it.each(objects.map((o) => [o.where, o.obj] as const))('%s passes its kind\'s schema', (_w, obj) => {
    const r = k8sObject.safeParse(obj);
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
  });

  it('the sidecar Deployment refers only to what exists: selector, probe ports, volumes, ConfigMap, Secret', () => {
    const [dep] = byKind('Deployment');
    const pod = dep.spec.template.spec;
    for (const [k, v] of Object.entries(dep.spec.selector.matchLabels)) expect(dep.spec.template.metadata.labels[k]).toBe(v);
    const volumes = new Set(pod.volumes.map((v: any) => v.name));
    const configMaps = new Set(byKind('ConfigMap').map((c) => c.metadata.name));
    const secrets = new Set(byKind('Secret').map((s) => s.metadata.name));
    for (const c of [...pod.initContainers, ...pod.containers]) {
      const ports = new Set((c.ports ?? []).map((p: any) => p.name));
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) if (c[probe]) expect(ports.has(c[probe].httpGet.port), `${c.name}.${probe}`).toBe(true);
      for (const m of c.volumeMounts ?? []) expect(volumes.has(m.name), `${c.name} mounts ${m.name}`).toBe(true);
      for (const e of c.envFrom ?? []) expect(secrets.has(e.secretRef.name)).toBe(true);
    }
    for (const v of pod.volumes) if (v.configMap) expect(configMaps.has(v.configMap.name)).toBe(true);
    const sidecar = pod.initContainers.find((c: any) => c.name === 'outrider');
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    // the app is told where the sidecar listens
    const app = pod.containers.find((c: any) => c.name !== 'outrider');
    expect(app.env.find((e: any) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT').value).toBe('http://localhost:4317');
    // the PodMonitor scrapes the port the sidecar declares, on the pods the Deployment makes
    const [pm] = byKind('PodMonitor');
    expect(sidecar.ports.map((p: any) => p.name)).toContain(pm.spec.podMetricsEndpoints[0].port);
    for (const [k, v] of Object.entries(pm.spec.selector.matchLabels)) expect(dep.spec.template.metadata.labels[k]).toBe(v);
  });

  it('the ConfigMap\'s outrider.yaml validates, and the PrometheusRule is what `outrider slo rules` generates from it and passes promtool', () => {
    const text = byKind('ConfigMap')[0]!.data['outrider.yaml'];
    expect(outriderProblems(text)).toEqual([]);
    const objectives = sloProcessorObjectives(text);
    const [rule] = byKind('PrometheusRule');
    expect(rule).toEqual(parse(sloRulesYaml(objectives, 'prometheus-operator')));
    const file = join(tempDir(), 'rules.yaml');
    writeFileSync(file, JSON.stringify({ groups: rule.spec.groups }));
    expect(promtool('check', 'rules', file)).toMatch(/SUCCESS/);
  });
});

/** The parsed objectives (defaults applied) of a config's slo processor. */
function sloProcessorObjectives(text: string) {
  const file = join(tempDir(), 'outrider.yaml');
  writeFileSync(file, text);
  const r = loadConfig(file, factoryMap(), {});
  return (r.config!.components.get('processor:slo')!.config as { objectives: any[] }).objectives;
}

describe('docker-compose try-out', () => {
  const composePath = join(here, 'docker-compose.yaml');
  const compose = parse(readFileSync(composePath, 'utf8'));

  it('passes the compose schema; mounted files exist; depends_on names services', () => {
    const r = composeFile.safeParse(compose);
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
    const names = new Set(Object.keys(compose.services));
    for (const [name, svc] of Object.entries<any>(compose.services)) {
      const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
      for (const d of deps) expect(names.has(d), `${name} depends on ${d}`).toBe(true);
      for (const v of svc.volumes ?? []) {
        const src = String(v).split(':')[0]!;
        if (src.startsWith('.')) expect(existsSync(join(here, src)), `${name} mounts ${src}`).toBe(true);
        else expect(Object.keys(compose.volumes ?? {})).toContain(src);
      }
      if (svc.build) expect(existsSync(join(here, svc.build.context, svc.build.dockerfile))).toBe(true);
    }
    expect(compose.services.outrider.read_only).toBe(true);
  });

  it('the agent config validates; the SLO rules are current; Prometheus and Alertmanager configs pass promtool and amtool', () => {
    const text = readFileSync(join(here, 'compose/outrider.yaml'), 'utf8');
    expect(outriderProblems(text)).toEqual([]);
    const rulesPath = join(here, 'compose/slo-rules.yaml');
    expect(parse(readFileSync(rulesPath, 'utf8'))).toEqual(parse(sloRulesYaml(sloProcessorObjectives(text))));
    expect(sloObjectives(text).length).toBeGreaterThan(0);
    expect(promtool('check', 'rules', rulesPath)).toMatch(/SUCCESS/);
    // Prometheus resolves rule_files at check time: point it at the local copy
    const dir = tempDir();
    const prom = parse(readFileSync(join(here, 'compose/prometheus.yml'), 'utf8'));
    prom.rule_files = [rulesPath];
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(prom));
    expect(promtool('check', 'config', join(dir, 'prometheus.yml'))).toMatch(/SUCCESS/);
    expect(execFileSync('amtool', ['check-config', join(here, 'compose/alertmanager.yml')], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });
});
