// `$(VAR)` expansion as Kubernetes does it for command, args and env values
// (third_party/forked/golang/expansion/expand.go, used by pkg/kubelet/container/helpers.go ExpandContainerCommandAndArgs).

/** Looks a variable up; undefined means unknown, and the reference is then kept verbatim. */
export type VariableLookup = (name: string) => string | undefined;

const OPERATOR = '$';
const OPENER = '(';
const CLOSER = ')';

/**
 * The lookup Kubernetes builds with MappingFuncFor: the first source that knows the name wins. Within one list of
 * pairs a later definition of a name overrides an earlier one (kubecontainer.EnvVarsToMap).
 */
export function lookupIn(...sources: (readonly { name: string; value: string }[])[]): VariableLookup {
  const maps = sources.map((vars) => new Map(vars.map((v) => [v.name, v.value])));
  return (name) => {
    for (const map of maps) {
      const value = map.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}

/**
 * Expands `$(NAME)` references. `$$` is an escaped `$`; a `$` followed by anything but `(` or `$`, a `$` at the end,
 * an unterminated `$(` and a reference to an unknown name are all kept as written.
 */
export function expandVariables(input: string, lookup: VariableLookup): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== OPERATOR || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const { text, advance } = readReference(input, cursor + 1, lookup);
    out += text;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** tryReadVariableName: what the characters after a `$` at `start - 1` turn into, and how many of them it used. */
function readReference(
  input: string,
  start: number,
  lookup: VariableLookup,
): { text: string; advance: number } {
  const next = input[start];
  if (next === OPERATOR) return { text: OPERATOR, advance: 1 };
  if (next === OPENER) {
    const close = input.indexOf(CLOSER, start + 1);
    // Without a closing ")" Go keeps "$(" and scans on after it, so "$(a$$" still turns "$$" into "$".
    if (close === -1) return { text: OPERATOR + OPENER, advance: 1 };
    const name = input.slice(start + 1, close);
    return { text: lookup(name) ?? `${OPERATOR}${OPENER}${name}${CLOSER}`, advance: close - start + 1 };
  }
  // Go copies the operator and the next byte; a JavaScript string holds characters, so the next character is kept
  // whole here (Go mangles a multi-byte character after a lone `$`, which no manifest relies on).
  return { text: OPERATOR + (next ?? ''), advance: 1 };
}
