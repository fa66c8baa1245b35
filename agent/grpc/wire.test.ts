import { describe, expect, it } from 'vitest';
import { GrpcCode } from '../errors.js';
import { decodeGrpcMessage, encodeBinaryHeader, encodeGrpcMessage, formatGrpcTimeout, frameMessage, grpcCodeOfHttpStatus, parseGrpcTimeout, UnaryMessageReader } from './wire.js';

describe('gRPC wire helpers', () => {
  it('frames a message behind a flag and a big-endian length', () => {
    expect(frameMessage(Uint8Array.of(7, 8, 9))).toEqual(Buffer.from([0, 0, 0, 0, 3, 7, 8, 9]));
    expect(frameMessage(Uint8Array.of(1), true)).toEqual(Buffer.from([1, 0, 0, 0, 1, 1]));
  });

  it('reads grpc-timeout in every unit and refuses malformed ones', () => {
    expect(parseGrpcTimeout('2H')).toBe(7_200_000);
    expect(parseGrpcTimeout('3M')).toBe(180_000);
    expect(parseGrpcTimeout('10S')).toBe(10_000);
    expect(parseGrpcTimeout('250m')).toBe(250);
    expect(parseGrpcTimeout('1500u')).toBe(1.5);
    expect(parseGrpcTimeout('2000000n')).toBe(2);
    for (const bad of ['', '10', 'S', '10s', '123456789S', '-1S', '1.5S']) expect(parseGrpcTimeout(bad), bad).toBeUndefined();
    expect(formatGrpcTimeout(1500)).toBe('1500m');
    expect(formatGrpcTimeout(0.2)).toBe('1m');
    expect(formatGrpcTimeout(200_000_000)).toBe('200000S');
  });

  it('percent-encodes grpc-message outside printable ASCII and decodes it back', () => {
    expect(encodeGrpcMessage('plain text: ok')).toBe('plain text: ok');
    expect(encodeGrpcMessage('100% sure\né')).toBe('100%25 sure%0A%C3%A9');
    expect(decodeGrpcMessage('100%25 sure%0A%C3%A9')).toBe('100% sure\né');
    expect(decodeGrpcMessage('50%zz')).toBe('50%zz');
  });

  it('writes -bin headers as unpadded base64', () => {
    expect(encodeBinaryHeader(Uint8Array.of(1, 2))).toBe('AQI');
  });

  it('maps HTTP statuses to gRPC codes as the protocol says', () => {
    expect([400, 401, 403, 404, 429, 502, 503, 504, 500].map(grpcCodeOfHttpStatus)).toEqual([
      GrpcCode.INTERNAL, GrpcCode.UNAUTHENTICATED, GrpcCode.PERMISSION_DENIED, GrpcCode.UNIMPLEMENTED,
      GrpcCode.UNAVAILABLE, GrpcCode.UNAVAILABLE, GrpcCode.UNAVAILABLE, GrpcCode.UNAVAILABLE, GrpcCode.UNKNOWN,
    ]);
  });

  it('collects one message from chunks of any size, using a whole-message chunk without copying', () => {
    const framed = frameMessage(Buffer.from('hello, world'));
    for (const size of [1, 2, 5, 6, 7, framed.length]) {
      const r = new UnaryMessageReader(100);
      for (let at = 0; at < framed.length; at += size) r.push(framed.subarray(at, at + size));
      expect(r.finish().toString(), `chunks of ${size}`).toBe('hello, world');
    }
    const r = new UnaryMessageReader(100);
    r.push(framed);
    expect(r.finish().buffer).toBe(framed.buffer);
  });

  it('refuses a prefix over the limit, bytes past the message, and an early end', () => {
    expect(() => new UnaryMessageReader(10).push(frameMessage(Buffer.alloc(11)).subarray(0, 5))).toThrow('Received message larger than max (11 vs. 10)');
    const two = new UnaryMessageReader(10);
    expect(() => two.push(Buffer.concat([frameMessage(Buffer.alloc(2)), Buffer.of(0)]))).toThrow(/more than one request message/);
    const cut = new UnaryMessageReader(10);
    cut.push(frameMessage(Buffer.alloc(4)).subarray(0, 7));
    expect(() => cut.finish()).toThrow('request ended inside its gRPC message frame (2 of 4 bytes)');
    expect(() => new UnaryMessageReader(10).finish()).toThrow(/no request message/);
  });
});
