// OpenSLO v1 `SLO` documents → slo processor objectives. A counter ratioMetric whose queries are
// plain selectors (`name{label="v"}`) becomes a `ratio` SLI over received metrics; any other
// indicator counts spans of `spec.service`: a threshold objective (`op: lte|lt`, `value` in ms) a
// `latency` SLI, else `availability`.
import { parseAllDocuments } from 'yaml';
import { parseSelector } from './selector.js';

/** One objective in the processor's config shape (before validation). */
export type ObjectiveInput = Record<string, unknown>;

interface OpenSloDoc {
  apiVersion?: string; kind?: string; metadata?: { name?: string };
  spec?: {
    service?: string; budgetingMethod?: string;
    timeWindow?: Array<{ duration?: string; isRolling?: boolean; calendar?: { timeZone?: string } }>;
    indicator?: { spec?: { ratioMetric?: RatioMetric; thresholdMetric?: unknown } };
    indicatorRef?: string;
    objectives?: Array<{ displayName?: string; target?: number; targetPercent?: number; op?: string; value?: number; timeSliceTarget?: number }>;
  };
}

interface MetricRef { metricSource?: { type?: string; spec?: { query?: unknown } } }
interface RatioMetric { counter?: boolean; good?: MetricRef; bad?: MetricRef; total?: MetricRef }

/** `{ ratio: {good|bad, total} }` when the ratioMetric counts counters through plain selectors, else undefined. */
function ratioSli(r: RatioMetric | undefined): { ratio: Record<string, string> } | undefined {
  if (!r || r.counter !== true) return undefined;
  const query = (m: MetricRef | undefined) => {
    const q = m?.metricSource?.spec?.query;
    return typeof q === 'string' && typeof parseSelector(q.trim()) !== 'string' ? q.trim() : undefined;
  };
  const total = query(r.total);
  const good = query(r.good);
  const bad = query(r.bad);
  if (!total || (good === undefined) === (bad === undefined)) return undefined;
  return { ratio: good ? { good, total } : { bad: bad!, total } };
}

/** Converts the `SLO` documents of a YAML stream; every document it cannot convert is a problem naming it. */
export function fromOpenSlo(text: string): { objectives: ObjectiveInput[]; problems: string[] } {
  const objectives: ObjectiveInput[] = [];
  const problems: string[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length) { problems.push(`document ${i + 1}: ${doc.errors[0]!.message}`); return; }
    const d = doc.toJS() as OpenSloDoc | null;
    if (!d || d.kind !== 'SLO') return; // Service, SLI, AlertPolicy, …: not ours
    const name = d.metadata?.name ?? `document ${i + 1}`;
    const bad = (m: string) => problems.push(`SLO '${name}': ${m}`);
    if (d.apiVersion !== 'openslo/v1') return void bad(`apiVersion must be openslo/v1, got '${d.apiVersion}'`);
    const s = d.spec ?? {};
    if (!s.service) return void bad('spec.service is required');
    const tw = s.timeWindow?.[0];
    if (!tw?.duration) return void bad('spec.timeWindow needs one item with a duration');
    let window: string;
    if (tw.isRolling === false) {
      if (tw.duration !== '1M') return void bad(`only calendar windows of 1M are supported, got '${tw.duration}'`);
      if (tw.calendar?.timeZone && tw.calendar.timeZone !== 'UTC') return void bad(`calendar windows are UTC, got '${tw.calendar.timeZone}'`);
      window = 'month';
    } else {
      const m = /^(\d+)([dw])$/.exec(tw.duration);
      if (!m) return void bad(`rolling windows in d or w are supported, got '${tw.duration}'`);
      window = `${Number(m[1]) * (m[2] === 'w' ? 7 : 1)}d`;
    }
    const budgeting = s.budgetingMethod ?? 'Occurrences';
    if (budgeting !== 'Occurrences' && budgeting !== 'Timeslices') return void bad(`budgetingMethod ${budgeting} is not supported (Occurrences, Timeslices)`);
    const objs = s.objectives ?? [];
    if (objs.length === 0) return void bad('spec.objectives is empty');
    objs.forEach((o, k) => {
      const objective = o.target ?? (o.targetPercent !== undefined ? o.targetPercent / 100 : undefined);
      if (objective === undefined) return void bad(`objectives[${k}] needs target or targetPercent`);
      let sli: unknown = ratioSli(s.indicator?.spec?.ratioMetric) ?? 'availability';
      if (o.op !== undefined || o.value !== undefined) {
        if ((o.op !== 'lte' && o.op !== 'lt') || typeof o.value !== 'number') return void bad(`objectives[${k}]: a threshold objective needs op lte or lt and a numeric value (ms)`);
        sli = { latency: `${o.value}ms` };
      }
      const suffix = objs.length > 1 ? `-${(o.displayName ?? String(k)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}` : '';
      objectives.push({
        name: `${name}${suffix}`, service: s.service, sli, objective, window,
        ...(budgeting === 'Timeslices' ? { budgeting: 'timeslices', ...(o.timeSliceTarget !== undefined ? { time_slice_target: o.timeSliceTarget } : {}) } : {}),
      });
    });
  });
  return { objectives, problems };
}
