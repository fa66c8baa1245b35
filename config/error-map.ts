// The one zod error map for config messages: each says what was expected and what was found.
import type { z } from 'zod';

/** A config value as a message shows it: `empty string ''`, `number 5`, `string 'abc'`, `array [1]`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return v === '' ? "empty string ''" : `string '${clip(v)}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return `array ${clip(safeJson(v))}`;
  if (typeof v === 'object') return `mapping ${clip(safeJson(v))}`;
  return typeof v;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

const quote = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));

/** What a failed union branch wanted, when it failed on the value's type itself (not deeper). */
function branchExpectation(issues: readonly z.core.$ZodIssue[]): string | undefined {
  const first = issues[0];
  if (!first || first.path.length > 0) return undefined;
  if (first.code === 'invalid_type') return first.expected;
  if (first.code === 'invalid_value') return first.values.length === 1 ? quote(first.values[0]) : `one of ${first.values.map(quote).join(', ')}`;
  return undefined;
}

/**
 * The error map every config parse uses (`schema.safeParse(raw, { error: configErrorMap })`).
 * Returns undefined where the schema's own message or zod's default is already specific.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  const got = describeValue(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}, got ${got}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? quote(issue.values[0]) : `one of ${issue.values.map(quote).join(', ')}`}, got ${got}`;
    case 'invalid_union': {
      const wanted = issue.errors.map(branchExpectation);
      if (wanted.length > 0 && wanted.every((w) => w !== undefined)) return `expected ${[...new Set(wanted)].join(' or ')}, got ${got}`;
      // the value had the right shape for one branch and failed deeper: that branch's first problem
      const deeper = issue.errors.find((errs) => errs[0] && errs[0].path.length > 0)?.[0];
      return deeper ? `${deeper.path.join('.')}: ${deeper.message}` : undefined;
    }
    case 'invalid_key': {
      const inner = issue.issues.map((i) => i.message).join('; ');
      return inner.includes(`'${String(issue.input)}'`) ? inner : `invalid key '${String(issue.input)}': ${inner}`;
    }
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string') return n === 1 ? 'must not be empty' : `must be at least ${n} characters, got ${got}`;
      if (issue.origin === 'array') return `needs at least ${n} item${n === 1 ? '' : 's'}, got ${Array.isArray(issue.input) ? issue.input.length : got}`;
      if (issue.origin === 'number') return `must be ${issue.inclusive ? 'at least' : 'more than'} ${n}, got ${got}`;
      return undefined;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${n} characters, got ${got}`;
      if (issue.origin === 'array') return `takes at most ${n} item${n === 1 ? '' : 's'}, got ${Array.isArray(issue.input) ? issue.input.length : got}`;
      if (issue.origin === 'number') return `must be ${issue.inclusive ? 'at most' : 'less than'} ${n}, got ${got}`;
      return undefined;
    }
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue ? `must match ${String(issue.pattern)}, got ${got}` : `expected ${issue.format}, got ${got}`;
    default:
      return undefined;
  }
};

/** Parse options for config schemas: the error map above. */
export const configParseOptions = { error: configErrorMap } as const;
