// Retryable-or-permanent classification of gRPC codes, HTTP statuses, RetryInfo and Retry-After.
import { describe, expect, it } from 'vitest';
import { GrpcCode } from '../errors.js';
import { classifyGrpc, classifyHttp, networkFailure, parseRetryAfter } from './classify.js';
import { decodeRpcStatus, encodeRpcStatus } from '../pdata/rpc-status.js';

describe('classifyGrpc', () => {
  it.each(['CANCELLED', 'DEADLINE_EXCEEDED', 'ABORTED', 'OUT_OF_RANGE', 'UNAVAILABLE', 'DATA_LOSS'] as const)('%s is retryable', (name) => {
    const e = classifyGrpc(GrpcCode[name], 'x');
    expect(e.retryable).toBe(true);
    expect(e.failure).toBe(`grpc ${name}`);
  });

  it.each(['INVALID_ARGUMENT', 'UNKNOWN', 'NOT_FOUND', 'PERMISSION_DENIED', 'UNAUTHENTICATED', 'UNIMPLEMENTED', 'INTERNAL'] as const)('%s is permanent', (name) => {
    expect(classifyGrpc(GrpcCode[name], 'x').retryable).toBe(false);
  });

  it('RESOURCE_EXHAUSTED is permanent without RetryInfo', () => {
    expect(classifyGrpc(GrpcCode.RESOURCE_EXHAUSTED, 'too big').retryable).toBe(false);
    const noInfo = encodeRpcStatus({ code: GrpcCode.RESOURCE_EXHAUSTED, message: 'too big' });
    expect(classifyGrpc(GrpcCode.RESOURCE_EXHAUSTED, 'too big', noInfo).retryable).toBe(false);
  });

  it('RESOURCE_EXHAUSTED with RetryInfo is retryable and carries its delay', () => {
    const details = encodeRpcStatus({ code: GrpcCode.RESOURCE_EXHAUSTED, message: 'slow down', retryDelayMs: 2_500 });
    const e = classifyGrpc(GrpcCode.RESOURCE_EXHAUSTED, 'slow down', details);
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBe(2_500);
    expect(e.retryAfterS).toBe(2.5);
  });

  it('UNAVAILABLE honours a RetryInfo delay', () => {
    const details = encodeRpcStatus({ code: GrpcCode.UNAVAILABLE, message: '', retryDelayMs: 3_000 });
    expect(classifyGrpc(GrpcCode.UNAVAILABLE, '', details).retryAfterMs).toBe(3_000);
  });
});

describe('rpc status', () => {
  it('round-trips code, message and retry delay', () => {
    expect(decodeRpcStatus(encodeRpcStatus({ code: 8, message: 'héllo', retryDelayMs: 61_250 }))).toEqual({ code: 8, message: 'héllo', retryDelayMs: 61_250 });
    expect(decodeRpcStatus(encodeRpcStatus({ code: 3, message: '' }))).toEqual({ code: 3, message: '', retryDelayMs: undefined });
  });

  it('answers undefined for garbage', () => {
    expect(decodeRpcStatus(Uint8Array.from([0x0a, 0xff]))).toBeUndefined();
  });
});

describe('classifyHttp', () => {
  it.each([429, 502, 503, 504])('%i is retryable', (s) => expect(classifyHttp(s, undefined).retryable).toBe(true));
  it.each([400, 401, 403, 404, 405, 413, 415, 500, 501])('%i is permanent', (s) => expect(classifyHttp(s, undefined).retryable).toBe(false));

  it('honours Retry-After seconds on 429 and 503, not on permanent statuses', () => {
    expect(classifyHttp(429, '7').retryAfterMs).toBe(7_000);
    expect(classifyHttp(503, '1').retryAfterMs).toBe(1_000);
    expect(classifyHttp(400, '7').retryAfterMs).toBeUndefined();
  });

  it('quotes the google.rpc.Status message of the body', () => {
    const body = encodeRpcStatus({ code: 3, message: 'bad span id' });
    expect(classifyHttp(400, undefined, body).message).toBe('http 400: bad span id');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

it('network failures are retryable', () => {
  const e = networkFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
  expect(e.retryable).toBe(true);
  expect(e.failure).toBe('network ECONNREFUSED');
});
