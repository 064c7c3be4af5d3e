// RFC 7235 challenges as registries send them (distribution docs spec/auth/token.md), e.g.
// `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"`.

export interface AuthChallenge {
  /** Lower-cased: `bearer` or `basic`. */
  scheme: string;
  /** Parameter names lower-cased, values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parses a WWW-Authenticate header into its challenges (a header may carry several, comma separated). */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let rest = header.trim();
  while (rest.length > 0) {
    const scheme = TOKEN.exec(rest)?.[0];
    if (scheme === undefined) break;
    rest = rest.slice(scheme.length).trimStart();
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    rest = parseParams(rest, challenge.params);
    challenges.push(challenge);
    rest = rest.replace(/^[\s,]+/, '');
  }
  return challenges;
}

/** Reads `name=value` pairs until the next scheme; returns what is left of the header. */
function parseParams(input: string, params: Record<string, string>): string {
  let rest = input;
  for (;;) {
    const match = /^,?\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*/.exec(rest);
    if (match === null) return rest;
    rest = rest.slice(match[0].length);
    const { value, remainder } = readValue(rest);
    params[(match[1] ?? '').toLowerCase()] = value;
    rest = remainder.trimStart();
  }
}

function readValue(input: string): { value: string; remainder: string } {
  if (!input.startsWith('"')) {
    const value = TOKEN.exec(input)?.[0] ?? '';
    return { value, remainder: input.slice(value.length) };
  }
  let value = '';
  for (let i = 1; i < input.length; i++) {
    const c = input[i];
    if (c === '\\' && i + 1 < input.length) value += input[++i];
    else if (c === '"') return { value, remainder: input.slice(i + 1) };
    else value += c;
  }
  return { value, remainder: '' };
}
