// Pipeline checks: names and signals, every id declared and able to carry the signal, connectors
// used on both sides joining signal pairs they connect, and no cycle through connectors.
import type { ConnectorFactory, Kind, Problem } from '../agent/component.js';
import type { Signal } from '../agent/pdata/model.js';
import type { ComponentDecl, PipelineDecl } from './validate.js';
import { parseId } from './ids.js';
import { findCycle } from '../agent/graph-order.js';

const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];
type Raw = Record<string, Record<string, unknown> | null | undefined>;
type List = 'receivers' | 'processors' | 'exporters';

function declared(raw: Raw, section: string, id: string): boolean {
  const s = raw[section];
  return !!s && typeof s === 'object' && id in s;
}

/** Which kind an id in a pipeline list names: receivers and exporters lists may also name connectors. */
function kindIn(list: List, raw: Raw, id: string): Kind | string {
  const own: Kind = list === 'receivers' ? 'receiver' : list === 'processors' ? 'processor' : 'exporter';
  const asOwn = declared(raw, list, id);
  const asConnector = list !== 'processors' && declared(raw, 'connectors', id);
  if (asOwn && asConnector) return `'${id}' is declared both under ${list} and under connectors`;
  if (asConnector) return 'connector';
  if (asOwn) return own;
  return `${own} '${id}' is not declared under ${list}${list === 'processors' ? '' : ' (or connectors)'}`;
}

export function checkPipelines(tree: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>, raw: Raw,
  components: Map<string, ComponentDecl>, problems: Problem[]): PipelineDecl[] {
  const pipelines: PipelineDecl[] = [];
  for (const [name, p] of Object.entries(tree)) {
    const path = `service.pipelines.${name}`;
    const signal = name.split('/')[0] as Signal;
    if (!SIGNALS.includes(signal) || typeof parseId(name) === 'string') {
      problems.push({ path, message: `pipeline name must be traces, metrics or logs, optionally /name; got '${name}'` });
      continue;
    }
    for (const list of ['receivers', 'processors', 'exporters'] as const) {
      const seen = new Set<string>();
      p[list].forEach((id, i) => {
        const at = `${path}.${list}[${i}]`;
        if (seen.has(id)) problems.push({ path: at, message: `'${id}' is listed twice` });
        seen.add(id);
        const kind = kindIn(list, raw, id);
        if (kind !== 'receiver' && kind !== 'processor' && kind !== 'exporter' && kind !== 'connector') { problems.push({ path: at, message: kind }); return; }
        const decl = components.get(`${kind}:${id}`);
        if (decl && !decl.factory.signals.includes(signal)) {
          problems.push({ path: at, message: `${kind} '${id}' does not support ${signal} (supports: ${decl.factory.signals.join(', ')})` });
        }
      });
    }
    pipelines.push({ name, signal, receivers: p.receivers, processors: p.processors, exporters: p.exporters });
  }
  checkConnectors(pipelines, components, problems);
  return pipelines;
}

/**
 * Each connector must be an exporter of some pipeline and a receiver of another, joining signals it
 * connects (its factory's `pairs`); the pipelines must not form a cycle.
 */
function checkConnectors(pipelines: PipelineDecl[], components: Map<string, ComponentDecl>, problems: Problem[]): void {
  const connectors = [...components.values()].filter((c) => c.kind === 'connector');
  for (const c of connectors) {
    const from = pipelines.filter((p) => p.exporters.includes(c.id));
    const to = pipelines.filter((p) => p.receivers.includes(c.id));
    if (from.length === 0 && to.length === 0) continue; // declared but unused: a warning
    if (from.length === 0) problems.push({ path: `connectors.${c.id}`, message: 'used as a receiver but no pipeline exports to it' });
    if (to.length === 0) problems.push({ path: `connectors.${c.id}`, message: 'used as an exporter but no pipeline receives from it' });
    if (from.length > 0 && to.length > 0) checkPairs(c, from, to, problems);
  }
  const cycle = findCycle(pipelines, new Set(connectors.map((c) => c.id)));
  if (cycle) problems.push({ path: 'service.pipelines', message: `cycle through connectors: ${cycle.join(' → ')}` });
}

/** Every pipeline exporting to a connector must reach a receiving one through a pair it connects, and vice versa. */
function checkPairs(c: ComponentDecl, from: PipelineDecl[], to: PipelineDecl[], problems: Problem[]): void {
  const pairs = (c.factory as ConnectorFactory).pairs;
  const fromSignals = [...new Set(from.map((p) => p.signal))];
  const toSignals = [...new Set(to.map((p) => p.signal))];
  const supported = `${c.type} connects ${pairs.map(([a, b]) => `${a}→${b}`).join(', ')}`;
  for (const p of from) {
    if (pairs.some(([a, b]) => a === p.signal && toSignals.includes(b))) continue;
    problems.push({ path: `service.pipelines.${p.name}.exporters[${p.exporters.indexOf(c.id)}]`,
      message: `connector '${c.id}' cannot take ${p.signal} to any pipeline that receives from it (it feeds: ${toSignals.join(', ')}; ${supported})` });
  }
  for (const p of to) {
    if (pairs.some(([a, b]) => b === p.signal && fromSignals.includes(a))) continue;
    problems.push({ path: `service.pipelines.${p.name}.receivers[${p.receivers.indexOf(c.id)}]`,
      message: `connector '${c.id}' cannot give ${p.signal} from any pipeline that exports to it (it is fed by: ${fromSignals.join(', ')}; ${supported})` });
  }
}
