// host:port endpoints: one parser for config validation, listeners and the addresses they report.

const ENDPOINT = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]*):(\d{1,5})$/;

/**
 * Parses `host:port` (host empty = all interfaces, a name, IPv4 or [IPv6]; port 0 = pick a free
 * one): host without brackets (empty → 0.0.0.0) and port, or undefined when malformed.
 */
export function parseEndpoint(ep: string): { host: string; port: number } | undefined {
  const m = ENDPOINT.exec(ep);
  if (!m || Number(m[2]) > 65535) return undefined;
  let host = m[1]!;
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host: host === '' ? '0.0.0.0' : host, port: Number(m[2]) };
}

/** Splits an endpoint already validated by the config. */
export function splitEndpoint(ep: string): { host: string; port: number } {
  const parsed = parseEndpoint(ep);
  if (!parsed) throw new Error(`endpoint must be host:port, got '${ep}'`);
  return parsed;
}
