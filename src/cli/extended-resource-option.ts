// `podlet serve --extended-resource NAME=COUNT` (repeatable): extended resources the Node advertises in its
// capacity and allocatable, as a device plugin or a status patch would make them appear on a real node.
import { isQualifiedName } from '../api/names.js';

/** commander's collector: each occurrence adds to the list. */
export function collectExtendedResource(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `example.com/dongle=2` -> { 'example.com/dongle': 2n }; a bad name or count stops podlet with why. */
export function parseExtendedResources(values: readonly string[]): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const value of values) {
    const eq = value.lastIndexOf('=');
    const name = eq > 0 ? value.slice(0, eq) : '';
    const count = eq > 0 ? value.slice(eq + 1) : '';
    if (!isExtendedResourceName(name))
      throw new Error(
        `--extended-resource ${value}: the name must be an extended resource name (a domain-qualified name outside kubernetes.io, e.g. example.com/dongle)`,
      );
    if (!/^\d+$/.test(count))
      throw new Error(`--extended-resource ${value}: the count must be a whole number of at least 0`);
    out[name] = BigInt(count);
  }
  return out;
}

/** v1helper.IsExtendedResourceName: not native, and a valid quota name once prefixed with `requests.`. */
function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/') || name.includes('kubernetes.io/') || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}
