// Content negotiation for /metrics: OpenMetrics 1.0 when the Accept header prefers it, else text 0.0.4.

/**
 * Whether to answer with OpenMetrics. True when `application/openmetrics-text` (version 1.0.0,
 * 0.0.1 or none) has a q-value above zero and at least that of `text/plain` and `*\/*`.
 * An absent or unparseable header gets text 0.0.4.
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  let om = 0;
  let text = 0;
  for (const part of accept.split(',')) {
    const [typeRaw, ...params] = part.split(';');
    const type = (typeRaw ?? '').trim().toLowerCase();
    let q = 1;
    let version: string | undefined;
    for (const p of params) {
      const [k, v] = p.split('=').map((x) => x.trim());
      if (k === 'q') q = Number(v);
      else if (k === 'version') version = v;
    }
    if (!Number.isFinite(q)) continue;
    if (type === 'application/openmetrics-text') {
      if (version === undefined || version === '1.0.0' || version === '0.0.1') om = Math.max(om, q);
    } else if (type === 'text/plain' || type === '*/*' || type === 'text/*') {
      text = Math.max(text, q);
    }
  }
  return om > 0 && om >= text;
}
