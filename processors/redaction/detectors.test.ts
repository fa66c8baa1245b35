// The built-in detectors and the credential-key rule, value by value: exact outputs.
import { describe, expect, it } from 'vitest';
import { redactionConfigSchema } from './config.js';
import { DETECTOR_KINDS, luhnValid } from './detectors.js';
import { isSensitiveKey } from './keys.js';
import { Masker, Tally } from './masker.js';

const all = Object.fromEntries(DETECTOR_KINDS.map((k) => [k, true]));
const masker = (detectors: Record<string, boolean> = {}) => new Masker(redactionConfigSchema.parse({ detectors }));
const masked = (m: Masker, s: string) => m.maskString(s, new Tally()) ?? s;

describe('luhn', () => {
  it.each([['4111111111111111', true], ['4111111111111112', false], ['378282246310005', true], ['6011111111111117', true], ['0', true], ['79927398713', true]])('%s → %s', (digits, want) => {
    expect(luhnValid(digits)).toBe(want);
  });
});

describe('default detectors (cards, bearer tokens, JWTs, AWS keys)', () => {
  const m = masker();
  it.each([
    ['card 4111 1111 1111 1111 ok', 'card **** ok'],
    ['4111-1111-1111-1111', '****'],
    ['4111111111111111', '****'],
    ['amex 378282246310005.', 'amex ****.'],
    ['mc 5555555555554444, visa 4012888888881881', 'mc ****, visa ****'],
    ['order 4111111111111111 5', 'order **** 5'],            // a digit group after the card
    ['5 4111 1111 1111 1111', '5 ****'],                      // a digit group before it
    ['2024 4111 1111 1111 1111', '2024 ****'],
    ['4111 1111 1111 1112', '4111 1111 1111 1112'],          // fails Luhn
    ['1700000000000000000', '1700000000000000000'],          // a nanosecond timestamp: starts with 1
    ['41111111111111112024', '41111111111111112024'],        // 20 digits, no separators: not a card
    ['tel 1-800-555-0199', 'tel 1-800-555-0199'],
    ['Authorization: Bearer abc.DEF-123_x= next', 'Authorization: Bearer **** next'],
    ['bearer mF_9.B5f-4.1JqM', 'bearer ****'],
    ['BEARER x', 'BEARER ****'],
    ['the bearer of bad news', 'the bearer **** bad news'],   // a bearer token is whatever follows the word
    ['t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl&x=1', 't=****&x=1'],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', '****'],     // alg none: empty signature
    ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', 'Bearer ****'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key **** used'],
    ['ASIAY34FZKBOKMUTVV7A', '****'],
    ['AKIAIOSFODNN7EXAMPL', 'AKIAIOSFODNN7EXAMPL'],            // 19 characters
    ['ops@example.com from 10.0.0.1 and 2001:db8::1', 'ops@example.com from 10.0.0.1 and 2001:db8::1'], // off by default
  ])('%s → %s', (input, want) => {
    expect(masked(m, input)).toBe(want);
  });

  it('counts each finding by kind', () => {
    const tally = new Tally();
    m.maskString('4111111111111111 and 5555555555554444, Bearer x, AKIAIOSFODNN7EXAMPLE', tally);
    expect([tally.get('credit_card'), tally.get('bearer_token'), tally.get('aws_access_key'), tally.get('jwt')]).toEqual([2, 1, 1, 0]);
  });

  it('returns undefined for a value without findings', () => {
    expect(m.maskString('GET /api/v1/cart/42', new Tally())).toBeUndefined();
  });
});

describe('optional detectors (e-mail, IPv4, IPv6)', () => {
  const m = masker(all);
  it.each([
    ['mail ops@example.com now', 'mail **** now'],
    ['a.b+tag@sub.example.co.uk', '****'],
    ['not@mail', 'not@mail'],
    ['from 10.0.0.1:8080', 'from ****:8080'],
    ['255.255.255.255', '****'],
    ['999.1.1.1', '999.1.1.1'],
    ['version 1.2.3.4.5', 'version 1.2.3.4.5'],
    ['peer 2001:db8::1 port', 'peer **** port'],
    ['[fe80::1ff:fe23:4567:890a]:443', '[****]:443'],
    ['::1', '****'],
    ['at 10:30:00', 'at 10:30:00'],
    ['sha:abc:def', 'sha:abc:def'],
  ])('%s → %s', (input, want) => {
    expect(masked(m, input)).toBe(want);
  });
});

describe('detectors switched off', () => {
  it('masks nothing when every detector is off', () => {
    const m = masker(Object.fromEntries(DETECTOR_KINDS.map((k) => [k, false])));
    expect(m.maskString('4111111111111111 Bearer x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', new Tally())).toBeUndefined();
  });
});

describe('credential keys', () => {
  it.each([
    'authorization', 'http.request.header.authorization', 'http.request.header.proxy-authorization', 'http.request.header.cookie',
    'http.response.header.set-cookie', 'Set-Cookie', 'db.password', 'password', 'user_passwd', 'client_secret', 'app.secret',
    'x-auth-token', 'access_token', 'refreshToken', 'http.request.header.x-api-key', 'apiKey', 'aws.secret_access_key', 'private_key', 'session.jwt',
  ])('%s is a credential', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each([
    'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.request.max_tokens', 'llm.token_count.prompt', 'gen_ai.token.type',
    'http.route', 'user.id', 'secret_santa.name', 'password_reset.sent', 'cookie.count', 'key', 'service.name', 'session.id',
  ])('%s is not', (key) => {
    expect(isSensitiveKey(key)).toBe(false);
  });
});
