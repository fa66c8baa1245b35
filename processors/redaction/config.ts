// Config of the redaction processor: the Collector's `redaction` keys (allowed, ignored and blocked
// keys, blocked and allowed values, hashing, summary) plus Outrider's built-in detectors and
// credential keys, which are on with an empty config.
import { z } from 'zod';
import { bool } from '../../config/schema-helpers.js';
import { DETECTOR_KINDS, type DetectorKind } from './detectors.js';
import { patternProblem } from './patterns.js';

/** A list of regular expressions; each that does not compile is a problem at its index. */
const patternList = () => z.array(z.string()).prefault([]).superRefine((list, ctx) => {
  list.forEach((p, i) => {
    const problem = patternProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', path: [i], message: problem });
  });
});

/** Built-in detectors, each on or off; on by default: the secrets (cards, bearer tokens, JWTs, AWS keys). */
const detectorsSchema = z.strictObject({
  /** Payment card numbers: 13–19 digits (spaces or dashes between groups allowed), first digit 2–6, Luhn-valid. */
  credit_card: bool().prefault(true),
  /** The credential after `Bearer ` (the scheme word is kept: `Bearer ****`). */
  bearer_token: bool().prefault(true),
  /** JSON Web Tokens (`eyJ….….…`). */
  jwt: bool().prefault(true),
  /** AWS access key ids (`AKIA…`, `ASIA…`, 20 characters). */
  aws_access_key: bool().prefault(true),
  /** E-mail addresses. Off by default (user ids are often e-mails on purpose). */
  email: bool().prefault(false),
  /** IPv4 addresses. Off by default (`client.address`, `server.address` are meant to carry them). */
  ipv4: bool().prefault(false),
  /** IPv6 addresses (validated by Node's parser). Off by default. */
  ipv6: bool().prefault(false),
});

/** Config schema; unknown keys rejected, defaults filled. */
export const redactionConfigSchema = z.strictObject({
  /**
   * Keep every attribute key (only values are checked). Default: true unless `allowed_keys` is
   * given. (The Collector's default is false, which with no `allowed_keys` deletes every attribute.)
   */
  allow_all_keys: bool().optional(),
  /** Attribute keys kept when `allow_all_keys` is false; the others are deleted. Empty: every key is deleted (fail-closed). */
  allowed_keys: z.array(z.string()).optional(),
  /** Attribute keys passed through untouched: never deleted, masked or checked. */
  ignored_keys: z.array(z.string()).prefault([]),
  /** Regexes on keys: the whole value of a matching key is masked (or hashed). */
  blocked_key_patterns: patternList(),
  /** Regexes on values: every match in a string value is masked (or hashed). */
  blocked_values: patternList(),
  /** Regexes on values: a value containing a match is left as it is (wins over everything but deletion). */
  allowed_values: patternList(),
  /** Check numbers and booleans too, by their text (a card number sent as an int); a masked one becomes a string. */
  redact_all_types: bool().prefault(false),
  /** Replace what is masked by its hex digest instead of `****`: `md5`, `sha1`, `sha256`, `sha3` (SHA3-256). */
  hash_function: z.enum(['none', 'md5', 'sha1', 'sha256', 'sha3']).prefault('none'),
  /**
   * Diagnostic attributes added where something changed: `debug` adds `redaction.{redacted,masked,allowed}.keys`
   * and the counts, `info` only `redaction.{redacted,masked,allowed,ignored}.count`, `silent` nothing.
   */
  summary: z.enum(['debug', 'info', 'silent']).prefault('silent'),
  /** Built-in value detectors (see the README); each key overrides its own default. */
  detectors: detectorsSchema.prefault({}),
  /** Mask the whole value of credential keys: authorization, cookie, set-cookie, password/secret/token-like keys. */
  mask_sensitive_keys: bool().prefault(true),
});

/** The validated config with defaults filled. */
export type RedactionConfig = z.output<typeof redactionConfigSchema>;

/** The detectors switched on in a config. */
export function enabledDetectors(cfg: RedactionConfig): DetectorKind[] {
  return DETECTOR_KINDS.filter((k) => cfg.detectors[k]);
}
