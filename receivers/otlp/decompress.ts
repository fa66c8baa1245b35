// Inflating request bodies (HTTP Content-Encoding, gRPC grpc-encoding) within a size limit.
import { gunzip, inflate } from 'node:zlib';
import { errors } from '../../agent/errors.js';

/**
 * Inflates a gzip or deflate body, refusing one that grows past `limit` bytes (a gzip bomb) with
 * TOO_LARGE, a corrupt one with INVALID_DATA, an unknown encoding with UNSUPPORTED_MEDIA.
 * `header` names where the encoding came from, for the message.
 */
export function decompress(body: Buffer, encoding: string | undefined, limit: number, header = 'Content-Encoding'): Promise<Buffer> {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return Promise.resolve(body);
  const fn = enc === 'gzip' || enc === 'x-gzip' ? gunzip : enc === 'deflate' ? inflate : undefined;
  if (!fn) return Promise.reject(errors.unsupportedMedia(`unsupported ${header} '${enc}' (use gzip, deflate or none)`));
  return new Promise((resolve, reject) => {
    fn(body, { maxOutputLength: limit }, (err, out) => {
      if (!err) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        reject(errors.tooLarge(`request body exceeds ${limit} bytes after decompression`));
      } else {
        reject(errors.invalidData(`invalid ${enc} body: ${err.message}`));
      }
    });
  });
}
