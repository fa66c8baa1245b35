// Component and pipeline ids: `type` or `type/name`, as in the Collector.

const TYPE = /^[a-zA-Z][0-9a-zA-Z_]{0,62}$/;
const NAME = /^[^\s\x00-\x1f\x7f/]+$/;

/** Splits `type/name` and checks both halves; a problem when malformed. */
export function parseId(id: string): { type: string; name: string } | string {
  const slash = id.indexOf('/');
  const type = slash < 0 ? id : id.slice(0, slash);
  const name = slash < 0 ? '' : id.slice(slash + 1);
  if (!TYPE.test(type)) return `invalid id '${id}': the type must match ${TYPE.source}`;
  if (slash >= 0 && !NAME.test(name)) return `invalid id '${id}': the name must be non-empty, without spaces, control characters or '/'`;
  return { type, name };
}
