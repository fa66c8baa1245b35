// The redaction processor's built-in value detectors: what each finds in a string, a cheap test run
// before its regex, and the check a candidate must pass (Luhn for card numbers, a parser for IPv6).
import { isIPv6 } from 'node:net';

/** The detector names, as written under `detectors:` in the config and in the `kind` label. */
export const DETECTOR_KINDS = ['credit_card', 'bearer_token', 'jwt', 'aws_access_key', 'email', 'ipv4', 'ipv6'] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];

/**
 * One detector: a global regex of candidates, a cheap pre-test, and what to mask in a candidate.
 * By default the part masked is group 1 when the regex has one, else the whole candidate.
 */
export interface Detector {
  readonly kind: DetectorKind;
  /** Candidates in a string (global). */
  readonly re: RegExp;
  /** The length of the shortest finding. */
  readonly minLength: number;
  /**
   * A regex source that matches wherever a candidate could be (a cheap necessary condition). The
   * hints of all enabled detectors are joined into one regex run once per value before any `re`.
   */
  readonly hint: string;
  /** Whether a candidate is a real finding; absent: every candidate is. */
  readonly accept?: (candidate: string) => boolean;
  /**
   * The candidate with its findings replaced by `mask(finding)`, or undefined when it holds none
   * (for detectors whose findings are parts of a candidate, e.g. one card among digit groups).
   */
  readonly maskIn?: (candidate: string, mask: (finding: string) => string) => string | undefined;
}

/** Whether `digits` (a string of 0–9) passes the Luhn checksum. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Masks payment card numbers in a run of digit groups (single spaces or dashes between them): the
 * longest leftmost span of whole groups with 13–19 digits that starts with 2–6 (Visa, Mastercard,
 * Amex, Discover, JCB, Diners, UnionPay, Maestro) and passes the Luhn check. A longer digit string
 * without separators is not a card (nanosecond timestamps, ids), nor is one starting with 0, 1, 7–9.
 */
function maskCards(candidate: string, mask: (finding: string) => string): string | undefined {
  const groups: Array<{ from: number; to: number }> = [];
  for (const m of candidate.matchAll(/\d+/g)) groups.push({ from: m.index, to: m.index + m[0].length });
  let out = '';
  let copied = 0;
  let found = false;
  for (let i = 0; i < groups.length; i++) {
    const first = candidate.charCodeAt(groups[i]!.from);
    if (first < 50 || first > 54) continue; // '2'..'6'
    for (let j = groups.length - 1; j >= i; j--) {
      const text = candidate.slice(groups[i]!.from, groups[j]!.to);
      const digits = text.replace(/[ -]/g, '');
      if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) continue;
      out += candidate.slice(copied, groups[i]!.from) + mask(text);
      copied = groups[j]!.to;
      found = true;
      i = j;
      break;
    }
  }
  return found ? out + candidate.slice(copied) : undefined;
}

/** 13 digits in a row, single spaces or dashes allowed between them (unrolled: faster than a quantifier). */
const THIRTEEN_DIGITS = `\\d${'[ -]?\\d'.repeat(12)}`;

const detectors: Record<DetectorKind, Detector> = {
  credit_card: {
    kind: 'credit_card',
    minLength: 13,
    // a run of ≥ 13 digits in groups; maskCards finds the cards inside it
    re: /(?<![\d-])\d(?:[ -]?\d){12,}(?!\d)/g,
    hint: THIRTEEN_DIGITS,
    maskIn: maskCards,
  },
  bearer_token: {
    kind: 'bearer_token',
    minLength: 8,
    // RFC 6750 b64token after the scheme; the scheme itself is kept ("Bearer ****")
    re: /\b(?:[Bb]earer|BEARER)\s+([A-Za-z0-9\-._~+/]+=*)/g,
    hint: '[Bb]earer|BEARER',
  },
  jwt: {
    kind: 'jwt',
    minLength: 14,
    // header.payload.signature, base64url; the header is JSON so it starts with eyJ ('{"')
    re: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    hint: 'eyJ',
  },
  aws_access_key: {
    kind: 'aws_access_key',
    minLength: 20,
    re: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
    hint: 'A[KSBC][IC]A',
  },
  email: {
    kind: 'email',
    minLength: 6,
    re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    hint: '@',
  },
  ipv4: {
    kind: 'ipv4',
    minLength: 7,
    re: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)/g,
    hint: '\\d\\.\\d+\\.\\d+\\.\\d',
  },
  ipv6: {
    kind: 'ipv6',
    minLength: 2,
    re: /(?<![0-9A-Za-z:])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*(?![0-9A-Za-z:])/g,
    hint: ':[0-9A-Fa-f.]*:',
    accept: (c) => isIPv6(c),
  },
};

/** The detectors of the given kinds, in a fixed order (secrets first, so a JWT in a bearer header is masked once). */
export function detectorsFor(kinds: Iterable<DetectorKind>): Detector[] {
  const want = new Set(kinds);
  return DETECTOR_KINDS.filter((k) => want.has(k)).map((k) => detectors[k]);
}
