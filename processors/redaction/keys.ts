// Attribute keys whose whole value is a credential: HTTP auth and cookie headers, and keys that name a
// password, secret or token. Token counts (gen_ai.usage.input_tokens, llm.token_count.prompt) are not.

/** Last words of a key that name a credential (`db.password`, `client_secret`, `x-auth-token`). */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'credential', 'credentials',
  'authorization', 'cookie', 'apikey', 'jwt',
]);

/** Last two words of a key that name a credential (`x-api-key`, `aws.secret_access_key`, `set-cookie`). */
const SECRET_PAIRS = new Set(['api key', 'access key', 'secret key', 'private key', 'signing key', 'set cookie']);

/**
 * Whether an attribute key names a credential. The key is split into words at `.`, `_`, `-` and
 * camelCase; it is one when its last word is a credential word (password, passwd, pwd, passphrase,
 * secret, token, credential(s), authorization, cookie, apikey, jwt) or its last two words are a
 * credential pair (api key, access key, secret key, private key, signing key, set cookie).
 * Only the last words count, so `gen_ai.usage.input_tokens`, `llm.token_count.prompt` and
 * `gen_ai.token.type` are not credentials.
 */
export function isSensitiveKey(key: string): boolean {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[._\-\s/:]+/).filter(Boolean);
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (SECRET_WORDS.has(last)) return true;
  return words.length >= 2 && SECRET_PAIRS.has(`${words[words.length - 2]} ${last}`);
}
