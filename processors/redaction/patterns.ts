// Regular expressions from the redaction config: the Collector writes them in Go's RE2 syntax, whose
// common subset JavaScript reads the same; a leading `(?i)` (case-insensitive) is taken as the `i` flag.

/** Compiles one pattern (`(?i)` prefix → case-insensitive). Throws SyntaxError on a bad pattern. */
export function compilePattern(pattern: string, global = false): RegExp {
  let flags = global ? 'g' : '';
  let source = pattern;
  if (source.startsWith('(?i)')) { source = source.slice(4); flags += 'i'; }
  return new RegExp(source, flags);
}

/** Why `pattern` does not compile, or undefined when it does. */
export function patternProblem(pattern: string): string | undefined {
  try {
    compilePattern(pattern);
    return undefined;
  } catch (err) {
    return `invalid regular expression '${pattern}': ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`;
  }
}
