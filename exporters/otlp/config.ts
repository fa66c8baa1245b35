// Config of the `otlp` exporter (OTLP/gRPC): endpoint plus the shared tls, headers, compression, retry and queue keys.
import { z } from 'zod';
import { commonExporterShape } from '../../agent/exporterhelper/config.js';

/** `host:port`, optionally prefixed `http://` (plaintext) or `https://` (TLS). */
const endpointPattern = /^(?:(https?):\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})\/?$/;

/** Splits an endpoint into the gRPC target and the TLS choice its scheme makes (if any). */
export function parseGrpcEndpoint(endpoint: string): { target: string; scheme: 'http' | 'https' | undefined } | undefined {
  const m = endpointPattern.exec(endpoint.trim());
  if (!m || Number(m[3]) > 65535) return undefined;
  return { target: `${m[2]}:${m[3]}`, scheme: m[1] as 'http' | 'https' | undefined };
}

export const otlpConfigSchema = z.strictObject({
  /** The backend, `host:port` (Jaeger: `jaeger:4317`); `https://` forces TLS, `http://` plaintext. Default localhost:4317. */
  endpoint: z.string().default('localhost:4317').refine((e) => parseGrpcEndpoint(e) !== undefined, {
    message: 'must be host:port (optionally http:// or https://)',
  }),
  ...commonExporterShape,
});

/** The parsed `otlp` config; durations in ms. */
export type OtlpConfig = z.output<typeof otlpConfigSchema>;
