// How deeply a YAML text can nest, bounded from above without parsing it. The `yaml` package parses nested
// collections recursively: a hostile body of a few hundred kilobytes of `[` (or of `- `, or of ever deeper
// indentation) takes it to the stack's end, and when that end comes inside V8's regular-expression compiler the
// process dies ("RegExpCompiler Allocation failed") instead of throwing. Such text is refused before it is parsed.

/**
 * Far deeper than any Kubernetes object (a few dozen levels), and well short of where the parser's recursion ends
 * (about 800 levels of flow collections in a bare process).
 */
export const MAX_YAML_DEPTH = 300;

/**
 * An upper bound of the nesting depth of the collections in `text`, never below it: on each line, the block
 * collections that can be open there (the outermost, and a nested one starts one column further at least, so one
 * more per character of indentation and of `- `, `? ` and `: ` indicators before the line's content), plus the flow
 * collections (`[`, `{`) still open. Brackets inside quoted scalars and comments count too: real manifests have far
 * fewer than the limit, and skipping them would let a stray quote hide the real ones.
 */
export function yamlDepthBound(text: string): number {
  let deepest = 0;
  let flow = 0;
  let block = 0;
  let lineStart = true;
  for (const c of text) {
    if (c === '\n') {
      lineStart = true;
      block = 0;
      continue;
    }
    if (lineStart && (c === ' ' || c === '\t' || c === '-' || c === '?' || c === ':')) block++;
    else {
      lineStart = false;
      if (c === '[' || c === '{') flow++;
      else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    deepest = Math.max(deepest, block + flow);
  }
  return deepest + 1;
}
