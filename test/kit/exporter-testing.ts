// Test support for exporters: CreateSettings with a readable meter, sample batches, throwaway TLS certificates.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { pino } from 'pino';
import type { CreateSettings } from '../../agent/component.js';
import { systemClock } from '../../agent/clock.js';
import { STORE } from '../../agent/services/store-service.js';
import type { Span, TracesData } from '../../agent/pdata/model.js';
import { Store } from '../../agent/store/store.js';
import { testHost } from './settings.js';

class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Settings for one exporter instance, a Host serving `store`, plus `readMetrics()` → `{ 'name{k=v,…}': value }` summed over points. */
export function exporterTestSettings(id: string, store = new Store(':memory:')) {
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  const settings: CreateSettings = {
    id,
    logger: pino({ level: process.env.OUTRIDER_TEST_LOG ?? 'silent' }),
    meter: provider.getMeter('outrider'),
    clock: systemClock,
  };
  async function readMetrics(): Promise<Record<string, number>> {
    const { resourceMetrics } = await reader.collect();
    const out: Record<string, number> = {};
    for (const sm of resourceMetrics.scopeMetrics) {
      for (const m of sm.metrics) {
        for (const p of m.dataPoints) {
          const attrs = Object.entries(p.attributes).map(([k, v]) => `${k}=${String(v)}`).sort().join(',');
          const key = `${m.descriptor.name}{${attrs}}`;
          out[key] = (out[key] ?? 0) + (typeof p.value === 'number' ? p.value : 0);
        }
      }
    }
    return out;
  }
  return { settings, store, host: testHost([[STORE, store]]), readMetrics, close: () => provider.shutdown() };
}

const enc = new TextEncoder();

/** `n` spans under one resource and scope; span i is named `span-i` with id bytes derived from `seed` and i. */
export function sampleTraces(n: number, seed = 1): TracesData {
  const spans: Span[] = [];
  for (let i = 0; i < n; i++) {
    const traceId = new Uint8Array(16); traceId[0] = seed; traceId[15] = i & 0xff; traceId[14] = (i >> 8) & 0xff;
    const spanId = new Uint8Array(8); spanId[0] = seed; spanId[7] = i & 0xff; spanId[6] = (i >> 8) & 0xff;
    spans.push({
      traceId, spanId, traceState: 'ot=th:8', parentSpanId: new Uint8Array(0), flags: 1,
      name: `span-${i}`, kind: 2,
      startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i), endTimeUnixNano: 1_700_000_000_250_000_000n + BigInt(i),
      attributes: [
        { key: 'http.route', value: '/checkout/{id}' }, { key: 'http.status_code', value: 200n },
        { key: 'ok', value: true }, { key: 'ratio', value: 0.25 }, { key: 'raw', value: enc.encode('bytes') },
        { key: 'list', value: ['a', 1n] }, { key: 'map', value: { kvlistValue: [{ key: 'k', value: 'v' }] } },
      ],
      droppedAttributesCount: 0,
      events: [{ timeUnixNano: 1_700_000_000_100_000_000n, name: 'exception', attributes: [{ key: 'exception.type', value: 'Boom' }], droppedAttributesCount: 0 }],
      droppedEventsCount: 0, links: [], droppedLinksCount: 0,
      status: { code: 2, message: 'failed' },
    });
  }
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: 'checkout' }], droppedAttributesCount: 0 },
      scopeSpans: [{ scope: { name: 'test', version: '1.0.0', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
      schemaUrl: '',
    }],
  };
}

/** PEM file paths of a throwaway CA, a server certificate for localhost/127.0.0.1, and a client certificate. */
export interface TestCerts { dir: string; caFile: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string }

/** Generates a CA and CA-signed server and client certificates with the openssl CLI (P-256, 1 day). */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'outrider-tls-'));
  const f = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=Outrider Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  for (const [name, ext] of [['server', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'], ['client', 'extendedKeyUsage=clientAuth\n']] as const) {
    writeFileSync(f(`${name}.ext`), ext);
    ssl('req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? 'localhost' : 'outrider-client'}`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  }
  return { dir, caFile: f('ca.crt'), serverCert: f('server.crt'), serverKey: f('server.key'), clientCert: f('client.crt'), clientKey: f('client.key') };
}
