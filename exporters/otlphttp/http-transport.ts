// OTLP/HTTP transport: POSTs encoded protobuf requests (gzip optional), classifies statuses for retry.
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { classifyHttp, networkFailure, withPlaintextHint } from '../../agent/exporterhelper/classify.js';
import type { ExportRequest } from '../../agent/exporterhelper/request.js';
import { readTlsFiles } from '../../agent/tls-files.js';
import type { SendOptions, SendResult, Transport } from '../../agent/exporterhelper/transport.js';
import type { Signal } from '../../agent/pdata/model.js';
import { decodeExportResponse } from '../../agent/pdata/proto-encode.js';
import { agentVersion } from '../../agent/version.js';
import { signalUrl, type OtlphttpConfig } from './config.js';

const gzipAsync = promisify(gzip);
/** Responses are at most 4 MiB by the OTLP spec; more is cut off. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Sends requests over keep-alive HTTP(S); throws ExportSendError on failure. */
export class HttpTransport implements Transport {
  readonly target: string;
  private readonly urls: Record<Signal, URL>;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;

  /** @throws BAD_CONFIG when a TLS file cannot be read */
  constructor(who: string, private readonly cfg: OtlphttpConfig) {
    this.urls = { traces: signalUrl(cfg, 'traces'), metrics: signalUrl(cfg, 'metrics'), logs: signalUrl(cfg, 'logs') };
    this.target = `http ${cfg.endpoint.replace(/\/\/[^/@]*@/, "//")}`; // never log user:password@
    const tls = Object.values(this.urls).some((u) => u.protocol === 'https:');
    if (tls) {
      const m = readTlsFiles(who, { ca_file: cfg.tls.ca_file, cert_file: cfg.tls.cert_file, key_file: cfg.tls.key_file });
      this.agent = new https.Agent({
        keepAlive: true, ca: m.ca_file, cert: m.cert_file, key: m.key_file,
        rejectUnauthorized: !cfg.tls.insecure_skip_verify,
        ...(cfg.tls.server_name_override ? { servername: cfg.tls.server_name_override } : {}),
      });
    } else {
      this.agent = new http.Agent({ keepAlive: true });
    }
    this.headers = { ...cfg.headers, 'content-type': 'application/x-protobuf', 'user-agent': `outrider/${agentVersion()}` };
    if (cfg.compression === 'gzip') this.headers['content-encoding'] = 'gzip';
  }

  async send(req: ExportRequest, opts: SendOptions): Promise<SendResult> {
    const body = this.cfg.compression === 'gzip' ? await gzipAsync(req.body) : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
    const url = this.urls[req.signal];
    const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]) : AbortSignal.timeout(opts.timeoutMs);
    const { status, headers, payload } = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; payload: Buffer }>((resolve, reject) => {
      const mod = url.protocol === 'https:' ? https : http;
      const r = mod.request(url, { method: 'POST', agent: this.agent, signal, headers: { ...this.headers, 'content-length': String(body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => { if (size < MAX_RESPONSE_BYTES) { chunks.push(c); size += c.length; } });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, payload: Buffer.concat(chunks) }));
        res.on('error', (err) => reject(networkFailure(err)));
      });
      r.on('error', (err) => reject(url.protocol === 'https:' ? withPlaintextHint(networkFailure(err), 'use an http:// endpoint') : networkFailure(err)));
      r.end(body);
    });
    if (status < 200 || status > 299) {
      const ra = headers['retry-after'];
      throw classifyHttp(status, Array.isArray(ra) ? ra[0] : ra, payload);
    }
    if (payload.length === 0) return { rejected: 0, errorMessage: '' };
    try {
      return decodeExportResponse(payload);
    } catch {
      return { rejected: 0, errorMessage: '' }; // a 2xx whose body is not protobuf (e.g. JSON from a proxy) is still a success
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}
