// Redacts one attribute list in the Collector's order: ignored keys pass, keys not allowed are
// deleted, values matching allowed_values pass, blocked and credential keys are masked whole, and
// findings in the other values are masked. Then the `redaction.*` summary attributes, if asked for.
import type { AnyValue, KeyValue } from '../../agent/pdata/model.js';
import type { RedactionConfig } from './config.js';
import { isSensitiveKey } from './keys.js';
import { MASK, type Masker, type Tally } from './masker.js';
import { compilePattern } from './patterns.js';

/** What is done with a key, decided once per key and remembered. */
const enum Rule { Ignore, Remove, MaskBlocked, MaskSensitive, Check }

/** The summary attributes, which are always allowed so a second redaction processor keeps them. */
export const SUMMARY_KEYS = {
  redactedKeys: 'redaction.redacted.keys', redactedCount: 'redaction.redacted.count',
  maskedKeys: 'redaction.masked.keys', maskedCount: 'redaction.masked.count',
  allowedKeys: 'redaction.allowed.keys', allowedCount: 'redaction.allowed.count',
  ignoredCount: 'redaction.ignored.count',
} as const;

const MEMO_LIMIT = 10_000;
/** Clean values remembered per key (a ring): a key's values repeat, or alternate among a few. */
const CLEAN_SLOTS = 4;

/**
 * What is remembered per key: its rule, and the last values found clean. A key's value usually repeats
 * span after span or alternates among a few (hosts, routes, queries); comparing with them is cheaper
 * than the regexes (the decoder hands out one string object per short value in a request).
 */
interface KeyState { rule: Rule; clean: string[]; next: number }

export class AttributeRedactor {
  private readonly allowAll: boolean;
  private readonly allowed: Set<string>;
  private readonly ignored: Set<string>;
  private readonly blockedKeys: RegExp[];
  private readonly sensitive: boolean;
  private readonly allTypes: boolean;
  private readonly summary: RedactionConfig['summary'];
  private readonly keys = new Map<string, KeyState>();
  /**
   * The keys (and their states) of the previous list, by position: spans of one instrumentation list
   * the same keys in the same order, and the decoder hands out one string per distinct key, so a
   * pointer-equal compare usually replaces the map lookup.
   */
  private readonly lastKeys: string[][] = [[], [], []];
  private readonly lastStates: KeyState[][] = [[], [], []];

  constructor(cfg: RedactionConfig, private readonly masker: Masker) {
    this.allowAll = cfg.allow_all_keys ?? cfg.allowed_keys === undefined;
    this.allowed = new Set([...(cfg.allowed_keys ?? []), ...Object.values(SUMMARY_KEYS)]);
    this.ignored = new Set(cfg.ignored_keys);
    this.blockedKeys = cfg.blocked_key_patterns.map((p) => compilePattern(p));
    this.sensitive = cfg.mask_sensitive_keys;
    this.allTypes = cfg.redact_all_types;
    this.summary = cfg.summary;
  }

  private stateOf(key: string): KeyState {
    let st = this.keys.get(key);
    if (st === undefined) {
      st = { rule: this.decide(key), clean: [], next: 0 };
      if (this.keys.size >= MEMO_LIMIT) this.keys.clear();
      this.keys.set(key, st);
    }
    return st;
  }

  private ruleOf(key: string): Rule {
    return this.stateOf(key).rule;
  }

  private decide(key: string): Rule {
    if (this.ignored.has(key)) return Rule.Ignore;
    if (!this.allowAll && !this.allowed.has(key)) return Rule.Remove;
    if (this.blockedKeys.some((re) => re.test(key))) return Rule.MaskBlocked;
    if (this.sensitive && isSensitiveKey(key)) return Rule.MaskSensitive;
    return Rule.Check;
  }

  /**
   * Redacts `attrs`: values are changed in place; the list returned is `attrs` itself, or a new list
   * when keys were deleted or summary attributes added. `site` says where the list sits (0 spans, data
   * points and log records; 1 resources and scopes; 2 events, links and exemplars), so lists of one
   * kind share the key cache by position.
   */
  redact(attrs: KeyValue[], tally: Tally, site: 0 | 1 | 2 = 0): KeyValue[] {
    const lastKeys = this.lastKeys[site]!;
    const lastStates = this.lastStates[site]!;
    let removed: string[] | undefined;
    let masked: string[] | undefined;
    let allowedByValue: string[] | undefined;
    let ignored = 0;
    for (let i = 0; i < attrs.length; i++) {
      const kv = attrs[i]!;
      let st: KeyState;
      if (lastKeys[i] === kv.key) st = lastStates[i]!;
      else { st = this.stateOf(kv.key); lastKeys[i] = kv.key; lastStates[i] = st; }
      const rule = st.rule;
      if (rule === Rule.Check) {
        const v = kv.value;
        let out: AnyValue | undefined;
        if (typeof v === 'string') {
          if (v.length < this.masker.minLength || isRecentlyClean(st, v)) continue; // shorter than any finding, or seen clean lately
          if (this.masker.hasAllowed && this.masker.isAllowed(v)) { (allowedByValue ??= []).push(kv.key); continue; }
          out = this.maskText(v, tally);
          if (out === undefined) { st.clean[st.next] = v; st.next = (st.next + 1) % CLEAN_SLOTS; continue; }
        } else if (v !== null && (typeof v === 'object' || this.allTypes)) {
          const text = textOf(v);
          if (text !== undefined && this.masker.hasAllowed && this.masker.isAllowed(text)) { (allowedByValue ??= []).push(kv.key); continue; }
          out = this.maskNested(v, tally);
        }
        if (out === undefined) continue;
        kv.value = out;
        (masked ??= []).push(kv.key);
      } else if (rule === Rule.Ignore) {
        ignored++;
      } else if (rule === Rule.Remove) {
        (removed ??= []).push(kv.key);
      } else {
        const v = kv.value;
        if (v === null || v === '') continue;
        const text = textOf(v);
        if (text !== undefined && this.masker.isAllowed(text)) { (allowedByValue ??= []).push(kv.key); continue; }
        kv.value = text === undefined ? MASK : this.masker.mask(text);
        tally.add(rule === Rule.MaskBlocked ? 'blocked_key' : 'sensitive_key');
        (masked ??= []).push(kv.key);
      }
    }
    let out = attrs;
    if (removed) {
      tally.removed += removed.length;
      tally.changes++;
      out = attrs.filter((kv) => this.ruleOf(kv.key) !== Rule.Remove);
    }
    if (this.summary !== 'silent' && (removed || masked || allowedByValue || ignored)) {
      if (out === attrs) out = attrs.slice();
      this.addSummary(out, removed, masked, allowedByValue, ignored);
    }
    return out;
  }

  /** `v` with its findings masked, or undefined when it holds none. */
  maskText(v: string, tally: Tally): string | undefined {
    return v.length < this.masker.minLength ? undefined : this.masker.maskString(v, tally);
  }

  /** A value without a key (a log body) with its findings masked; key rules apply to keys inside a kvlist. */
  redactValue(v: AnyValue, tally: Tally): AnyValue {
    if (typeof v === 'string' && this.masker.hasAllowed && this.masker.isAllowed(v)) return v;
    return this.maskNested(v, tally) ?? v;
  }

  /**
   * A non-string value with its findings masked, or undefined when nothing changed: strings inside
   * arrays and kvlists (credential keys in a kvlist masked whole), and with `redact_all_types`,
   * numbers and booleans by their text (a masked one becomes a string).
   */
  private maskNested(v: AnyValue, tally: Tally): AnyValue | undefined {
    if (typeof v === 'string') return this.maskText(v, tally);
    if (v === null || v instanceof Uint8Array) return undefined;
    if (Array.isArray(v)) {
      let out: AnyValue[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const m = this.maskNested(v[i]!, tally);
        if (m !== undefined) (out ??= v.slice())[i] = m;
      }
      return out;
    }
    if (typeof v === 'object') {
      let changed = false;
      const list = v.kvlistValue.map((kv): KeyValue => {
        const rule = this.ruleOf(kv.key);
        if (rule === Rule.Ignore) return kv;
        if ((rule === Rule.MaskBlocked || rule === Rule.MaskSensitive) && kv.value !== null && kv.value !== '') {
          changed = true;
          tally.add(rule === Rule.MaskBlocked ? 'blocked_key' : 'sensitive_key');
          const text = textOf(kv.value);
          return { key: kv.key, value: text === undefined ? MASK : this.masker.mask(text) };
        }
        const m = this.maskNested(kv.value, tally);
        if (m === undefined) return kv;
        changed = true;
        return { key: kv.key, value: m };
      });
      return changed ? { kvlistValue: list } : undefined;
    }
    return this.allTypes ? this.masker.maskString(String(v), tally) : undefined;
  }

  private addSummary(attrs: KeyValue[], removed: string[] | undefined, masked: string[] | undefined, allowed: string[] | undefined, ignored: number): void {
    const put = (key: string, value: AnyValue) => {
      const i = attrs.findIndex((kv) => kv.key === key);
      if (i >= 0) attrs[i] = { key, value }; else attrs.push({ key, value });
    };
    const list = (keysKey: string, countKey: string, keys: string[] | undefined) => {
      if (!keys) return;
      const prev = attrs.find((kv) => kv.key === keysKey)?.value;
      const prevCount = attrs.find((kv) => kv.key === countKey)?.value;
      if (this.summary === 'debug') put(keysKey, [...(typeof prev === 'string' && prev ? prev.split(',') : []), ...keys].sort().join(','));
      put(countKey, BigInt(keys.length) + (typeof prevCount === 'bigint' ? prevCount : 0n));
    };
    list(SUMMARY_KEYS.redactedKeys, SUMMARY_KEYS.redactedCount, removed);
    list(SUMMARY_KEYS.maskedKeys, SUMMARY_KEYS.maskedCount, masked);
    list(SUMMARY_KEYS.allowedKeys, SUMMARY_KEYS.allowedCount, allowed);
    if (ignored) {
      const prev = attrs.find((kv) => kv.key === SUMMARY_KEYS.ignoredCount)?.value;
      put(SUMMARY_KEYS.ignoredCount, BigInt(ignored) + (typeof prev === 'bigint' ? prev : 0n));
    }
  }
}

function isRecentlyClean(st: KeyState, v: string): boolean {
  const c = st.clean;
  for (let i = 0; i < c.length; i++) if (c[i] === v) return true;
  return false;
}

/** The text of a scalar value (hashed when a whole value is masked); undefined for bytes, arrays and kvlists. */
function textOf(v: AnyValue): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return undefined;
}
