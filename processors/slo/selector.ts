// Series selectors of ratio SLIs: a metric name and label matchers in PromQL's shape
// (`http.server.requests{http.response.status_code=~"5..",service.name="checkout"}`), matched
// against the attributes of received metric points and their resource.

/** One label matcher; `re` is the anchored regex of `=~`/`!~`. */
export interface Matcher { key: string; op: '=' | '!=' | '=~' | '!~'; value: string; re?: RegExp }

/** A parsed selector. */
export interface Selector { text: string; name: string; matchers: Matcher[] }

const NAME = /^\s*([A-Za-z_:][\w.:/-]*)\s*/y;
const KEY = /\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_][\w.-]*))\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*/y;

const unescape = (s: string) => s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));

/**
 * Parses `name{key="v",key!="v",key=~"re",key!~"re"}` (braces optional). Keys may hold dots (OTel
 * attribute names) or be quoted. Returns the selector, or the problem as a string.
 */
export function parseSelector(text: string): Selector | string {
  NAME.lastIndex = 0;
  const m = NAME.exec(text);
  if (!m) return `selector must start with a metric name, got '${text}'`;
  const matchers: Matcher[] = [];
  let i = NAME.lastIndex;
  if (text[i] === '{') {
    i++;
    for (;;) {
      if (/^\s*\}/.test(text.slice(i))) { i = text.indexOf('}', i) + 1; break; }
      KEY.lastIndex = i;
      const k = KEY.exec(text);
      if (!k) return `selector '${text}': expected key="value", key!="value", key=~"regex" or key!~"regex" at offset ${i}`;
      const key = k[1] !== undefined ? unescape(k[1]) : k[2]!;
      const op = k[3] as Matcher['op'];
      const value = unescape(k[4]!);
      const matcher: Matcher = { key, op, value };
      if (op === '=~' || op === '!~') {
        try { matcher.re = new RegExp(`^(?:${value})$`); } catch { return `selector '${text}': bad regex '${value}'`; }
      }
      matchers.push(matcher);
      i = KEY.lastIndex;
      if (text[i] === ',') i++;
      else if (text[i] !== '}') return `selector '${text}': expected ',' or '}' at offset ${i}`;
    }
  }
  if (text.slice(i).trim() !== '') return `selector '${text}': unexpected '${text.slice(i).trim()}' after the selector`;
  return { text, name: m[1]!, matchers };
}

/** Whether the labels (read through `get`, undefined when absent, which counts as "") satisfy every matcher. */
export function selects(sel: Selector, get: (key: string) => string | undefined): boolean {
  for (const m of sel.matchers) {
    const v = get(m.key) ?? '';
    const ok = m.re ? m.re.test(v) : v === m.value;
    if ((m.op === '=' || m.op === '=~') !== ok) return false;
  }
  return true;
}
