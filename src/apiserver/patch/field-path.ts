// Field paths and sets as structured-merge-diff's fieldpath package models them, with path elements kept in
// their FieldsV1 spelling (apiserver fieldmanager, managedFields): `f:<field>` a field, `k:{"name":"c"}` an item
// of a map-type list, `v:<json>` an item of a set-type list, `i:<n>` an item of an atomic list.

/** One step of a path, spelled as in FieldsV1. */
export type PathElement = string;
export type FieldPath = readonly PathElement[];

/** A set of field paths. Keys are JSON-encoded paths, so sets compare and combine as plain string sets. */
export class FieldSet {
  private readonly members = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const path of paths) this.add(path);
  }

  add(path: FieldPath): void {
    this.members.set(JSON.stringify(path), path);
  }

  has(path: FieldPath): boolean {
    return this.members.has(JSON.stringify(path));
  }

  get size(): number {
    return this.members.size;
  }

  paths(): FieldPath[] {
    return [...this.members.values()];
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet([...this.paths(), ...other.paths()]);
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((p) => other.has(p)));
  }

  difference(other: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((p) => !other.has(p)));
  }

  /** Whether the set holds `path` or a path under it. */
  hasPathOrDescendant(path: FieldPath): boolean {
    return this.paths().some((p) => p.length >= path.length && path.every((e, i) => p[i] === e));
  }

  equals(other: FieldSet): boolean {
    return this.size === other.size && this.paths().every((p) => other.has(p));
  }
}

export const fieldElement = (name: string): PathElement => `f:${name}`;
export const valueElement = (value: unknown): PathElement => `v:${JSON.stringify(value)}`;

/** `k:{...}` with the key fields in name order, as structured-merge-diff sorts them. */
export function keyElement(key: Readonly<Record<string, unknown>>): PathElement {
  const sorted = Object.fromEntries(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `k:${JSON.stringify(sorted)}`;
}

/** fieldpath.Path.String(): `.spec.containers[name="c"].image`, `.metadata.finalizers[="x"]`. */
export function formatPath(path: FieldPath): string {
  return path.map(formatElement).join('');
}

function formatElement(element: PathElement): string {
  const body = element.slice(2);
  switch (element.slice(0, 2)) {
    case 'f:':
      return `.${body}`;
    case 'k:': {
      const key = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    }
    case 'v:':
      return `[=${body}]`;
    default:
      return `[${body}]`;
  }
}
