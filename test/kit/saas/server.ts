// A local stand-in for a SaaS HTTP API on 127.0.0.1: it records every request, checks it with the
// service's validator, answers as the service does, and can be told to fail the next N requests.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as received. */
export interface SaasRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: string;
  /** The JSON body, or undefined when it did not parse. */
  body: unknown;
  /** What the validator found wrong (empty: the request matches the documented format). */
  problems: string[];
  /** The status the server answered. */
  status: number;
}

/** An answer: status, headers, body (a string is sent as is, anything else as JSON). */
export interface SaasAnswer { status: number; headers?: Record<string, string>; body?: unknown }

export interface SaasServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  requests: SaasRequest[];
  /** The requests that passed validation and were answered 2xx. */
  accepted(): SaasRequest[];
  /** Every validation problem of every request, prefixed with its method and path. */
  problems(): string[];
  /** The next `times` requests get `answer` (after validation is recorded), e.g. 429 with Retry-After, or 503. */
  failNext(times: number, answer: SaasAnswer): void;
  close(): Promise<void>;
}

/** How one service validates and answers. */
export interface SaasBehaviour {
  /** Problems of a request against the documented format. */
  validate(req: Omit<SaasRequest, 'problems' | 'status'>): string[];
  /** The service's answer to a valid request. */
  accept(req: SaasRequest): SaasAnswer;
  /** The service's answer to an invalid one. */
  refuse(req: SaasRequest): SaasAnswer;
}

function write(res: ServerResponse, a: SaasAnswer): void {
  const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
  const type = typeof a.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(a.status, { 'content-type': type, ...a.headers });
  res.end(text);
}

/** Starts a fake service on 127.0.0.1 (`port`, or a free one). */
export async function startSaasServer(behaviour: SaasBehaviour, listenPort = 0): Promise<SaasServer> {
  const requests: SaasRequest[] = [];
  const failures: SaasAnswer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: unknown;
      try { body = JSON.parse(raw); } catch { body = undefined; }
      const base = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, raw, body };
      const r: SaasRequest = { ...base, problems: behaviour.validate(base), status: 0 };
      const answer = failures.shift() ?? (r.problems.length > 0 ? behaviour.refuse(r) : behaviour.accept(r));
      r.status = answer.status;
      requests.push(r);
      write(res, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: () => requests.filter((r) => r.problems.length === 0 && r.status >= 200 && r.status < 300),
    problems: () => requests.flatMap((r) => r.problems.map((p) => `${r.method} ${r.path}: ${p}`)),
    failNext(times, answer) { for (let i = 0; i < times; i++) failures.push(answer); },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A small checker collecting problems with their JSON paths. */
export class Checks {
  readonly problems: string[] = [];

  fail(path: string, message: string): void { this.problems.push(`${path}: ${message}`); }

  isObject(v: unknown, path: string): v is Record<string, unknown> {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return true;
    this.fail(path, `expected an object, got ${JSON.stringify(v)}`);
    return false;
  }

  /** Keys other than `allowed` are problems. */
  onlyKeys(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.fail(`${path}.${k}`, 'unknown key');
  }

  /** A string of `min`..`max` code points (`max` as the documented limit). */
  string(v: unknown, path: string, opts: { min?: number; max?: number; required?: boolean } = {}): v is string {
    if (v === undefined) { if (opts.required !== false) this.fail(path, 'missing'); return false; }
    if (typeof v !== 'string') { this.fail(path, `expected a string, got ${JSON.stringify(v)}`); return false; }
    const n = [...v].length;
    if (opts.min !== undefined && n < opts.min) this.fail(path, `shorter than ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) this.fail(path, `longer than ${opts.max} (${n})`);
    return true;
  }

  oneOf(v: unknown, values: readonly string[], path: string): void {
    if (!values.includes(v as string)) this.fail(path, `expected one of ${values.join('|')}, got ${JSON.stringify(v)}`);
  }

  array(v: unknown, path: string, opts: { min?: number; max?: number } = {}): v is unknown[] {
    if (!Array.isArray(v)) { this.fail(path, `expected an array, got ${JSON.stringify(v)}`); return false; }
    if (opts.min !== undefined && v.length < opts.min) this.fail(path, `fewer than ${opts.min} items`);
    if (opts.max !== undefined && v.length > opts.max) this.fail(path, `more than ${opts.max} items (${v.length})`);
    return true;
  }

  url(v: unknown, path: string, schemes: readonly string[] = ['http:', 'https:']): void {
    if (!this.string(v, path, { min: 1 })) return;
    try {
      if (!schemes.includes(new URL(v).protocol)) this.fail(path, `expected a ${schemes.join('/')} URL, got ${v}`);
    } catch { this.fail(path, `expected a URL, got ${v}`); }
  }

  isoTime(v: unknown, path: string): void {
    if (!this.string(v, path)) return;
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v))) this.fail(path, `expected an ISO 8601 time, got ${v}`);
  }
}
