// Config of the `otlphttp` exporter (OTLP/HTTP protobuf): base endpoint, per-signal URLs, and the shared keys.
import { z } from 'zod';
import { commonExporterShape } from '../../agent/exporterhelper/config.js';
import type { Signal } from '../../agent/pdata/model.js';

const httpUrl = () => z.string().refine((u) => {
  try { return ['http:', 'https:'].includes(new URL(u).protocol); } catch { return false; }
}, { message: 'must be an http:// or https:// URL' });

export const otlphttpConfigSchema = z.strictObject({
  /** Base URL; `/v1/traces`, `/v1/metrics`, `/v1/logs` are appended. Default http://localhost:4318. */
  endpoint: httpUrl().default('http://localhost:4318'),
  /** Full URL for traces, overriding endpoint + /v1/traces. */
  traces_endpoint: httpUrl().optional(),
  /** Full URL for metrics, overriding endpoint + /v1/metrics. */
  metrics_endpoint: httpUrl().optional(),
  /** Full URL for logs, overriding endpoint + /v1/logs. */
  logs_endpoint: httpUrl().optional(),
  ...commonExporterShape,
});

/** The parsed `otlphttp` config; durations in ms. */
export type OtlphttpConfig = z.output<typeof otlphttpConfigSchema>;

/** The URL each signal is POSTed to. */
export function signalUrl(cfg: OtlphttpConfig, signal: Signal): URL {
  const own = signal === 'traces' ? cfg.traces_endpoint : signal === 'metrics' ? cfg.metrics_endpoint : cfg.logs_endpoint;
  if (own) return new URL(own);
  const base = new URL(cfg.endpoint);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/v1/${signal}`;
  return base;
}
