// The web console in a real browser (Debian's chromium through playwright-core) against a real
// agent: an OTel SDK feeds the slo processor over OTLP/gRPC, alerts come from the alerting API
// (an in-memory fake until the engine lands). One browser launch for the file.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { ADMIN } from '../../agent/admin/index.js';
import { tempDir } from '../kit/config.js';
import { FakeAlerting } from '../kit/fake-alerting.js';
import { fakeAlertingService, fakeNotifiersService } from '../kit/fake-services.js';
import { createSink } from '../kit/sink.js';
import { until } from '../kit/until.js';

const TOKEN = 'console-e2e-token-0123456789';
const SLACK = 'https://hooks.slack.com/services/T0/B0/CONSOLESECRET123';
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

let agent: Agent;
let browser: Browser;
let base: string;
const alerting = new FakeAlerting();

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const sink = createSink();
  const dir = tempDir();
  agent = await Agent.start({
    storage: { path: `${dir}/outrider.db` },
    receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
    processors: {
      cost: { flush_interval: '200ms', attribution: { keys: ['team'] } },
      slo: { objectives: [{ name: 'checkout-availability', service: 'checkout', sli: 'availability', objective: 0.99, window: '30d' }], flush_interval: '200ms', evaluation_interval: '200ms' },
    },
    exporters: { sink: {} },
    notifiers: { 'slack/oncall': { webhook_url: SLACK } },
    alerting: { trace_url_template: 'http://127.0.0.1:16686/trace/{trace_id}' },
    admin: { endpoint: '127.0.0.1:0', token: TOKEN },
    service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], processors: ['cost', 'slo'], exporters: ['sink'] } } },
  }, { factories: [sink.factory, fakeAlertingService(alerting), fakeNotifiersService()], logger: pino({ level: 'silent' }) });
  base = `http://${agent.service(ADMIN)!.address}`;

  // 200 checkout requests, 1 failing: SLI 99.5 %, half the budget left
  const grpc = agent.component<{ endpoints: { grpc?: string } }>('receiver', 'otlp')!.endpoints.grpc;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', team: 'payments' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://${grpc}` }), { scheduledDelayMillis: 20 })],
  });
  const tracer = provider.getTracer('console-e2e');
  for (let i = 0; i < 200; i++) {
    const span = tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER, attributes: { 'http.response.status_code': i === 0 ? 500 : 200 } });
    if (i === 0) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
  const auth = { authorization: `Bearer ${TOKEN}` };
  await until(async () => {
    const slos = await (await fetch(`${base}/api/slos`, { headers: auth })).json() as Array<{ total: number }>;
    return slos[0]?.total === 200;
  }, 15_000, 'the SLO counts 200 requests');
  await until(async () => {
    const costs = await (await fetch(`${base}/api/costs?groupBy=team`, { headers: auth })).json() as { groups: unknown[] };
    return costs.groups?.length > 0;
  }, 15_000, 'cost rollups are stored');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await agent?.stop();
});

async function openConsole(width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  const external: string[] = [];
  page.on('request', (req) => { if (!req.url().startsWith(base)) external.push(req.url()); });
  await page.goto(`${base}/#overview`);
  await page.getByLabel('Admin token').fill(TOKEN);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
  expect(await page.getByLabel('Admin token').isVisible()).toBe(false);
  expect(await page.evaluate(() => document.cookie)).toBe('');
  expect(external).toEqual([]);
  return page;
}

/** Tabs through the page until the focused element is the button named `name` (bounded). */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((n) => document.activeElement?.tagName === 'BUTTON' && document.activeElement.textContent === n, name)) return;
  }
  throw new Error(`no button '${name}' reached with Tab`);
}

describe('web console', () => {
  for (const [label, width, height] of [['desktop', 1280, 900], ['phone', 390, 844]] as const) {
    it(`${label} (${width} px): SLO with its budget chart, a firing alert acknowledged, then silenced (desktop) or resolved (phone)`, async () => {
      const alert = alerting.raise({ name: `CheckoutBudgetBurn-${label}`, labels: { service_name: 'checkout' }, traceIds: ['4bf92f3577b34da6a3ce929d0e0e4736'], annotations: { summary: 'checkout burns its error budget <b>fast</b>' } });
      const page = await openConsole(width, height);

      expect(await page.getByRole('cell', { name: 'cost → slo' }).count()).toBe(1);
      await page.screenshot({ path: `${ARTIFACTS}console-overview-${label}.png`, fullPage: true });

      await page.getByRole('link', { name: 'SLOs' }).click();
      const card = page.locator('article[data-slo="checkout-availability"]');
      await card.waitFor();
      await expect.poll(() => card.getByTestId('budget').textContent()).toBe('50.0 %');
      const chart = card.getByRole('img', { name: 'Error budget remaining over time for checkout-availability' });
      expect(await chart.locator('polyline').getAttribute('points')).toMatch(/^[\d.]+,[\d.]+( [\d.]+,[\d.]+)+$/);
      expect(await card.getByRole('cell', { name: '5m', exact: true }).count()).toBe(1);
      await page.screenshot({ path: `${ARTIFACTS}console-slos-${label}.png`, fullPage: true });

      await page.getByRole('link', { name: 'Alerts' }).click();
      const item = page.locator(`article[data-alert="${alert.id}"]`);
      await expect.poll(() => item.getByTestId('state').textContent()).toBe('firing');
      expect(await item.textContent()).toContain('checkout burns its error budget <b>fast</b>');
      expect(await item.getByRole('link', { name: /^4bf92f3577b34da6/ }).getAttribute('href')).toBe('http://127.0.0.1:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736');
      await page.screenshot({ path: `${ARTIFACTS}console-alerts-${label}.png`, fullPage: true });
      if (label === 'phone') {
        await page.locator('#page').focus();
        await tabTo(page, 'Acknowledge');
        await page.keyboard.press('Enter');
      } else {
        await item.getByRole('button', { name: 'Acknowledge' }).click();
      }
      await expect.poll(() => item.getByTestId('state').textContent(), { timeout: 10_000 }).toBe('acknowledged');
      expect(alerting.alert(alert.id)!.acknowledged?.by).toBe('admin');
      await page.screenshot({ path: `${ARTIFACTS}console-acknowledged-${label}.png`, fullPage: true });
      if (label === 'desktop') {
        await item.getByRole('button', { name: 'Silence 1h' }).click();
        await expect.poll(() => alerting.silences().length).toBe(1);
        expect(alerting.silences()[0]!.matchers).toContainEqual({ name: 'alertname', value: alert.name, isRegex: false, isEqual: true });
        expect(alerting.silences()[0]!.createdBy).toBe('admin');
      } else {
        await item.getByRole('button', { name: 'Resolve' }).click();
        await expect.poll(() => alerting.alert(alert.id)!.state).toBe('resolved');
        await expect.poll(() => item.count()).toBe(0); // the default filter shows open alerts only
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

      await page.getByRole('link', { name: 'Costs' }).click();
      await page.getByLabel('By').selectOption('team');
      await page.getByRole('cell', { name: 'payments', exact: true }).waitFor();
      await page.screenshot({ path: `${ARTIFACTS}console-costs-${label}.png`, fullPage: true });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

      await page.getByRole('link', { name: 'Config' }).click();
      await expect.poll(() => page.getByTestId('config').textContent()).toContain('"webhook_url": "<redacted>"');
      expect(await page.content()).not.toContain(SLACK);
      expect(await page.content()).not.toContain(TOKEN);
      await page.close();
    }, 60_000);
  }
});
