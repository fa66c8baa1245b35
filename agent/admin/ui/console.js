// Outrider console: plain DOM built from text nodes (data is never parsed as HTML),
// the token kept in sessionStorage and sent as a header, pages by URL hash, refreshed every 5 s.
'use strict';
(() => {
  const KEY = 'outrider.adminToken';
  const REFRESH_MS = 5000;
  const $ = (id) => document.getElementById(id);
  const page = $('page');
  let timer = 0;
  let traceTemplate = '';

  /** An element with attributes and children (strings become text nodes, never HTML). */
  function h(tag, attrs, ...children) {
    const svg = ['svg', 'polyline', 'line', 'text', 'circle', 'title'].includes(tag);
    const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v); else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }
  const pct = (x, d = 2) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(d)} %`);
  const num = (x, d = 2) => (typeof x === 'number' ? x.toFixed(d) : '—');
  const when = (ms) => {
    if (!ms) return '—';
    const d = new Date(ms);
    return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
  };
  const metricName = (n) => n.replace(/^outrider_/, '').replace(/_total$/, '').replace(/_/g, ' ');
  const labelsText = (l) => Object.entries(l || {}).map(([k, v]) => `${k}=${v}`).join(', ');
  const table = (head, rows) => h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, rows)));

  function notice(text) { $('notice').textContent = text || ''; }

  async function api(method, path, body) {
    const headers = { accept: 'application/json' };
    const token = sessionStorage.getItem(KEY);
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
    if (res.status === 401) { askToken('Enter the admin token (admin.token).'); throw new Error('unauthenticated'); }
    const data = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error(`${data.error}: ${data.message}`);
    return data;
  }

  function askToken(message) {
    $('token-form').hidden = false;
    $('forget').hidden = true;
    notice(message);
  }

  /** A budget-over-time chart: error budget remaining (1 = untouched, 0 = spent). */
  function budgetChart(name, points) {
    const W = 320, H = 120, L = 34, B = 18;
    const values = points.map((p) => p.errorBudgetRemaining);
    const lo = Math.min(0, ...values), hi = Math.max(1, ...values);
    const t0 = points[0] ? points[0].at : 0, t1 = points.length > 1 ? points[points.length - 1].at : t0 + 1;
    const x = (t) => L + ((t - t0) / (t1 - t0 || 1)) * (W - L - 4);
    const y = (v) => 4 + (1 - (v - lo) / (hi - lo)) * (H - B - 4);
    const coords = points.map((p) => `${x(p.at).toFixed(1)},${y(p.errorBudgetRemaining).toFixed(1)}`);
    if (points.length === 1) coords.unshift(`${L},${y(values[0]).toFixed(1)}`);
    return h('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Error budget remaining over time for ${name}`, 'data-testid': 'budget-chart' },
      h('title', {}, `Error budget remaining over time: ${name}`),
      h('line', { class: 'axis', x1: L, y1: y(hi), x2: L, y2: y(lo) }),
      h('line', { class: 'zero', x1: L, y1: y(0), x2: W - 4, y2: y(0) }),
      h('text', { x: 2, y: y(1) + 3 }, '100%'), h('text', { x: 8, y: y(0) + 3 }, '0%'),
      h('text', { x: L, y: H - 4 }, when(t0)),
      h('polyline', { class: 'line', points: coords.join(' ') }));
  }

  const pages = {
    async overview() {
      const s = await api('GET', '/api/status');
      const pick = (re) => s.counters.filter((c) => re.test(c.name));
      const counterRows = (list) => list.map((c) => h('tr', {}, h('td', { title: c.name }, metricName(c.name)), h('td', { class: 'labels' }, labelsText(c.labels)), h('td', {}, num(c.value, 0)), h('td', {}, c.perSecond === undefined ? '—' : `${num(c.perSecond)}/s`)));
      return [
        h('section', { class: 'card' }, h('h2', {}, 'Agent'), h('dl', { class: 'kv' },
          h('dt', {}, 'version'), h('dd', {}, s.version), h('dt', {}, 'uptime'), h('dd', {}, `${Math.round(s.uptimeSeconds)} s`),
          h('dt', {}, 'ready'), h('dd', { class: s.ready ? 'good' : 'bad' }, s.ready ? 'yes' : 'no'))),
        h('h2', {}, 'Pipelines'),
        table(['pipeline', 'receivers', 'processors', 'exporters'], s.pipelines.map((p) => h('tr', {}, h('td', {}, p.name), h('td', {}, p.receivers.join(', ')), h('td', {}, p.processors.join(' → ')), h('td', {}, p.exporters.join(', '))))),
        h('h2', {}, 'Throughput and refusals'),
        table(['counter', 'labels', 'total', 'rate'], counterRows(pick(/^outrider_(receiver|exporter|processor)_.*_total$/))),
        h('h2', {}, 'Queues'),
        table(['gauge', 'labels', 'value', ''], counterRows(pick(/queue_(size|capacity)$/))),
        h('h2', {}, 'Components'),
        table(['component', 'status', 'reason', 'since'], s.components.map((c) => h('tr', {}, h('td', {}, c.id), h('td', { class: `status-${c.status}` }, c.status), h('td', {}, c.reason || ''), h('td', {}, when(c.sinceMs))))),
      ];
    },

    async slos() {
      const list = await api('GET', '/api/slos');
      if (list.length === 0) return [h('p', {}, 'No SLOs: add objectives to the slo processor (processors.slo.objectives).')];
      const cards = await Promise.all(list.map(async (s) => {
        const hist = await api('GET', `/api/slos/${encodeURIComponent(s.name)}/history?range=1d&points=60`);
        const budgetClass = s.errorBudgetRemaining <= 0 ? 'bad' : s.errorBudgetRemaining < 0.25 ? 'warn' : 'good';
        return h('article', { class: 'card', 'data-slo': s.name },
          h('h3', {}, s.name),
          h('dl', { class: 'kv' },
            h('dt', {}, 'service'), h('dd', {}, s.service), h('dt', {}, 'objective'), h('dd', {}, `${pct(s.objective, 3)} over ${s.window}`),
            h('dt', {}, 'SLI'), h('dd', {}, `${pct(s.sli, 3)} (${num(s.good, 0)} good of ${num(s.total, 0)})`),
            h('dt', {}, 'budget remaining'), h('dd', { class: budgetClass, 'data-testid': 'budget' }, pct(s.errorBudgetRemaining, 1))),
          budgetChart(s.name, hist.points),
          table(['window', 'burn rate'], Object.entries(s.burnRates).map(([w, r]) => h('tr', {}, h('td', {}, w), h('td', { class: r > 1 ? 'warn' : '' }, num(r))))),
          s.tiers && s.tiers.some((t) => t.firing) ? h('p', { class: 'bad' }, 'Burn-rate alert: ', s.tiers.filter((t) => t.firing).map((t) => `${t.severity} (${t.long}/${t.short} > ${num(t.factor, 1)})`).join(', ')) : null);
      }));
      return [h('div', { class: 'cards' }, cards)];
    },

    async alerts() {
      const filter = sessionStorage.getItem('outrider.alertFilter') || 'open';
      const all = await api('GET', '/api/alerts');
      const shown = all.filter((a) => (filter === 'open' ? a.state !== 'resolved' : filter === 'all' || a.state === filter));
      const order = { firing: 0, pending: 1, acknowledged: 2, resolved: 3 };
      shown.sort((a, b) => order[a.state] - order[b.state] || b.activeAt - a.activeAt);
      const select = h('select', { id: 'alert-filter', onchange: (e) => { sessionStorage.setItem('outrider.alertFilter', e.target.value); refresh(); } },
        ['open', 'firing', 'pending', 'acknowledged', 'resolved', 'all'].map((v) => h('option', { value: v, selected: v === filter }, v)));
      const act = (label, cls, fn) => h('button', { type: 'button', class: cls, onclick: async (e) => {
        e.target.disabled = true;
        try { await fn(); notice(''); } catch (err) { notice(err.message); }
        await refresh();
      } }, label);
      const cards = shown.map((a) => h('article', { class: 'card', 'data-alert': a.id },
        h('h3', {}, a.name, ' ', h('span', { class: `state-${a.state}`, 'data-testid': 'state' }, a.state)),
        h('dl', { class: 'kv' },
          h('dt', {}, 'severity'), h('dd', {}, a.severity), h('dt', {}, 'since'), h('dd', {}, when(a.firedAt || a.activeAt)),
          h('dt', {}, 'value'), h('dd', {}, a.value === null ? '—' : num(a.value, 4)),
          a.annotations.summary ? [h('dt', {}, 'summary'), h('dd', {}, a.annotations.summary)] : null,
          a.acknowledged ? [h('dt', {}, 'acknowledged'), h('dd', {}, `by ${a.acknowledged.by} ${a.acknowledged.note ? `(${a.acknowledged.note})` : ''}`)] : null),
        h('p', { class: 'labels' }, labelsText(a.labels)),
        a.traceIds.length ? h('p', {}, 'Traces: ', a.traceIds.slice(0, 5).map((t) => traceLink(t))) : null,
        h('div', { class: 'actions' },
          a.state === 'firing' ? act(`Acknowledge`, '', () => api('POST', `/api/alerts/${encodeURIComponent(a.id)}/ack`, { note: 'from the console' })) : null,
          a.state !== 'resolved' ? act('Resolve', 'secondary', () => api('POST', `/api/alerts/${encodeURIComponent(a.id)}/resolve`)) : null,
          a.state !== 'resolved' ? act('Silence 1h', 'secondary', () => api('POST', '/api/silences', {
            matchers: Object.entries(a.labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
            endsAt: Date.now() + 3600000, comment: `silenced from the console: ${a.name}`,
          })) : null)));
      return [h('form', {}, h('label', { for: 'alert-filter' }, 'Show '), select), h('p', {}, `${shown.length} of ${all.length} alerts`), h('div', { class: 'cards' }, cards)];
    },

    async costs() {
      const groupBy = sessionStorage.getItem('outrider.costGroup') || 'service';
      const window = sessionStorage.getItem('outrider.costWindow') || '1d';
      const pick = (id, key, values, current) => h('select', { id, onchange: (e) => { sessionStorage.setItem(key, e.target.value); refresh(); } }, values.map((v) => h('option', { value: v, selected: v === current }, v)));
      const form = h('form', {}, h('label', { for: 'cost-group' }, 'By'), pick('cost-group', 'outrider.costGroup', ['service', 'model', 'team'], groupBy),
        h('label', { for: 'cost-window' }, 'over'), pick('cost-window', 'outrider.costWindow', ['1h', '1d', '30d'], window));
      let c;
      try { c = await api('GET', `/api/costs?groupBy=${encodeURIComponent(groupBy)}&window=${window}`); } catch (err) { return [form, h('p', {}, err.message)]; }
      const usd = (x) => (x === 0 ? "$0" : x < 0.0001 ? `$${x.toExponential(1)}` : `$${x.toFixed(x < 1 ? 4 : 2)}`);
      return [form,
        h('p', {}, `Total ${usd(c.usd)}; unpriced spans ${num(c.unpricedSpans, 0)} (${c.period} rollups from ${when(c.from)})`),
        table([groupBy, 'USD', 'spans', 'unpriced', 'by kind', 'per ' + c.period], c.groups.map((g) => h('tr', {},
          h('td', {}, g.key || '(none)'), h('td', {}, usd(g.usd)), h('td', {}, num(g.spans, 0)), h('td', { class: g.unpricedSpans ? 'warn' : '' }, num(g.unpricedSpans, 0)),
          h('td', {}, Object.entries(g.byKind).map(([k, v]) => `${k} ${usd(v)}`).join(', ')),
          h('td', {}, g.points.map((p) => `${new Date(p.start).toISOString().slice(5, 16).replace('T', ' ')} ${usd(p.usd)}`).join('; ')))))];
    },

    async config() {
      const c = await api('GET', '/api/config');
      return [h('p', {}, 'The effective config; secrets are shown as <redacted>.'), h('pre', { 'data-testid': 'config' }, JSON.stringify(c, null, 2))];
    },
  };

  function traceLink(id) {
    const url = traceTemplate ? traceTemplate.replace('{trace_id}', encodeURIComponent(id)) : '';
    let safe = false;
    try { safe = url !== '' && ['http:', 'https:'].includes(new URL(url).protocol); } catch { safe = false; }
    return safe ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, id.slice(0, 16), ' ') : h('code', {}, id.slice(0, 16), ' ');
  }

  async function refresh() {
    const name = (location.hash.slice(1) || 'overview');
    const render = pages[name] || pages.overview;
    for (const a of document.querySelectorAll('nav a')) a.setAttribute('aria-current', a.getAttribute('href') === `#${name}` ? 'page' : 'false');
    try {
      const nodes = await render();
      const focused = document.activeElement && document.activeElement.id;
      page.replaceChildren(...nodes);
      if (focused && $(focused)) $(focused).focus();
      $('refreshed').textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      if (err.message !== 'unauthenticated') notice(err.message);
    }
  }

  async function begin() {
    $('token-form').hidden = true;
    $('forget').hidden = !sessionStorage.getItem(KEY);
    notice('');
    try { const c = await api('GET', '/api/config'); traceTemplate = (c.alerting && c.alerting.trace_url_template) || ''; } catch { /* shown by refresh */ }
    await refresh();
    clearInterval(timer);
    timer = setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  }

  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, $('token').value);
    $('token').value = '';
    begin();
  });
  $('forget').addEventListener('click', () => { sessionStorage.removeItem(KEY); clearInterval(timer); page.replaceChildren(); askToken('Token forgotten.'); });
  window.addEventListener('hashchange', () => { refresh(); page.focus(); });
  begin();
})();
