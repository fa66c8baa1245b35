// Masks findings inside string values: the configured blocked_values regexes, then the built-in
// detectors, each behind a cheap pre-test. A finding becomes `****` or its hex digest.
import { createHash } from 'node:crypto';
import { DETECTOR_KINDS, detectorsFor, type Detector, type DetectorKind } from './detectors.js';
import { enabledDetectors, type RedactionConfig } from './config.js';
import { compilePattern } from './patterns.js';

/** What a mask was for: a detector, a blocked_values match, a blocked key pattern or a credential key. */
export type MaskKind = DetectorKind | 'blocked_value' | 'blocked_key' | 'sensitive_key';
export const MASK_KINDS: readonly MaskKind[] = [...DETECTOR_KINDS, 'blocked_value', 'blocked_key', 'sensitive_key'];
const kindIndex = new Map(MASK_KINDS.map((k, i) => [k, i]));

/** The fixed mask, as the Collector writes it. */
export const MASK = '****';

/** Counts of what one batch had masked (by kind) and removed; added to the processor's counters once per batch. */
export class Tally {
  readonly masked = new Array<number>(MASK_KINDS.length).fill(0);
  removed = 0;
  /** Grows with every mask and removal: a change of it tells that something was redacted. */
  changes = 0;
  add(kind: MaskKind, n = 1): void { this.masked[kindIndex.get(kind)!]! += n; this.changes++; }
  get(kind: MaskKind): number { return this.masked[kindIndex.get(kind)!]!; }
  get total(): number { return this.masked.reduce((a, b) => a + b, 0) + this.removed; }
}

const HASHES = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha3: 'sha3-256' } as const;

export class Masker {
  private readonly detectors: Detector[];
  /** The enabled detectors' hints in one regex: a value it does not match holds no finding. */
  private readonly anyHint: RegExp | undefined;
  private readonly hints: RegExp[];
  private readonly blocked: RegExp[];
  private readonly allowed: RegExp[];
  /** Replaces one finding: `****` or its hex digest. */
  readonly mask: (finding: string) => string;
  /** Strings shorter than this hold no finding (0 with blocked_values: a pattern may match anything). */
  readonly minLength: number;
  /** Whether allowed_values is configured. */
  readonly hasAllowed: boolean;

  constructor(cfg: RedactionConfig) {
    this.detectors = detectorsFor(enabledDetectors(cfg));
    this.anyHint = this.detectors.length ? new RegExp(this.detectors.map((d) => d.hint).join('|')) : undefined;
    this.hints = this.detectors.map((d) => new RegExp(d.hint));
    this.blocked = cfg.blocked_values.map((p) => compilePattern(p, true));
    this.allowed = cfg.allowed_values.map((p) => compilePattern(p));
    this.hasAllowed = this.allowed.length > 0;
    this.minLength = this.blocked.length > 0 ? 0 : Math.min(Infinity, ...this.detectors.map((d) => d.minLength));
    const alg = cfg.hash_function === 'none' ? undefined : HASHES[cfg.hash_function];
    this.mask = alg ? (s) => createHash(alg).update(s).digest('hex') : () => MASK;
  }

  /** Whether a value contains a match of allowed_values (then it is left as it is). */
  isAllowed(s: string): boolean {
    for (const re of this.allowed) if (re.test(s)) return true;
    return false;
  }

  /** `s` with every finding masked, or undefined when it holds none. Counts each finding in `tally`. */
  maskString(s: string, tally: Tally): string | undefined {
    let out = s;
    for (const re of this.blocked) {
      re.lastIndex = 0;
      out = out.replace(re, (m) => {
        if (m === '') return m;
        tally.add('blocked_value');
        return this.mask(m);
      });
    }
    if (this.anyHint === undefined || !this.anyHint.test(out)) return out === s ? undefined : out;
    for (let i = 0; i < this.detectors.length; i++) {
      const d = this.detectors[i]!;
      if (this.detectors.length > 1 && !this.hints[i]!.test(out)) continue;
      d.re.lastIndex = 0;
      out = out.replace(d.re, (m: string, ...rest: unknown[]) => this.replaceCandidate(d, m, rest, tally));
    }
    return out === s ? undefined : out;
  }

  private replaceCandidate(d: Detector, m: string, rest: unknown[], tally: Tally): string {
    if (d.maskIn) {
      let found = 0;
      const replaced = d.maskIn(m, (f) => { found++; return this.mask(f); });
      if (replaced === undefined) return m;
      tally.add(d.kind, found);
      return replaced;
    }
    if (d.accept && !d.accept(m)) return m;
    tally.add(d.kind);
    const group = rest[0];
    if (typeof group === 'string' && group !== '') {
      const at = m.lastIndexOf(group);
      return m.slice(0, at) + this.mask(group) + m.slice(at + group.length);
    }
    return this.mask(m);
  }
}
