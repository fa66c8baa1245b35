// google.rpc.Status with a RetryInfo detail, for gRPC's grpc-status-details-bin trailer.

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}

function field(no: number, bytes: Uint8Array | number[]): number[] {
  return [(no << 3) | 2, ...varint(bytes.length), ...bytes];
}

/** Encodes Status{code, message, details:[Any(RetryInfo{retry_delay})]}. */
export function statusWithRetryInfo(code: number, message: string, retryDelayS: number): Buffer {
  const duration = [0x08, ...varint(Math.max(0, Math.floor(retryDelayS)))]; // Duration.seconds = 1
  const retryInfo = field(1, duration); // RetryInfo.retry_delay = 1
  const any = [...field(1, Buffer.from('type.googleapis.com/google.rpc.RetryInfo')), ...field(2, retryInfo)];
  const status = [0x08, ...varint(code), ...field(2, Buffer.from(message)), ...field(3, any)];
  return Buffer.from(status);
}
