// otlp receiver config: which protocols listen where, and their size limits.
import { z } from 'zod';
import { duration, endpoint, num, readableFile } from '../../config/schema-helpers.js';

const MIB = 1024 * 1024;

/** Server TLS: a certificate and key, and optionally a CA that client certificates must chain to (mTLS). */
const tlsSchema = z.strictObject({
  /** PEM certificate chain served to clients. */
  cert_file: readableFile(),
  /** PEM private key of the certificate. */
  key_file: readableFile(),
  /** PEM CA bundle; when set, clients must present a certificate it signed. */
  client_ca_file: readableFile().optional(),
}).optional();

const grpcSchema = z.strictObject({
  /** host:port to listen on. Default localhost:4317. */
  endpoint: endpoint().default('localhost:4317'),
  /** Largest request accepted, after decompression, in MiB. Default 16. */
  max_recv_msg_size_mib: num({ min: 1, max: 2047 }).default(16),
  /** Serve TLS instead of plaintext. */
  tls: tlsSchema,
});

const httpSchema = z.strictObject({
  /** host:port to listen on. Default localhost:4318. */
  endpoint: endpoint().default('localhost:4318'),
  /** Largest request body accepted, compressed and after decompression, in bytes. Default 16 MiB. */
  max_request_body_size: num({ int: true, min: 1 }).default(16 * MIB),
  /** Longest time a client may take to send a whole request. Default 60s. */
  request_timeout: duration().default(60_000),
  /** Serve HTTPS instead of HTTP. */
  tls: tlsSchema,
});

/** `grpc:` or `http:` with no value enables the protocol with its defaults. */
export const otlpConfigSchema = z.strictObject({
  protocols: z.strictObject({
    grpc: grpcSchema.nullable().optional().transform((v) => (v === null ? grpcSchema.parse({}) : v)),
    http: httpSchema.nullable().optional().transform((v) => (v === null ? httpSchema.parse({}) : v)),
  }).prefault({ grpc: {}, http: {} }).refine((p) => p.grpc !== undefined || p.http !== undefined, {
    message: 'at least one of grpc or http must be enabled',
  }),
});

export type OtlpReceiverConfig = z.output<typeof otlpConfigSchema>;
export type OtlpGrpcConfig = z.output<typeof grpcSchema>;
export type OtlpHttpConfig = z.output<typeof httpSchema>;
export type ServerTlsConfig = NonNullable<z.output<typeof tlsSchema>>;
