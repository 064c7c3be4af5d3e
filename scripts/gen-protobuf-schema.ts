// Writes src/apiserver/protobuf/core-schema.ts: the protobuf decoding tables of core/v1 Pod and Service and every
// message they reach, read from the Go types of k8s.io/api (core/v1/types.go) and k8s.io/apimachinery
// (pkg/apis/meta/v1/types.go). Each Go field's struct tags give its protobuf number and wire type and its JSON
// name and omitempty; the Go type says whether it is a pointer. Run by hand when the API grows (CI has no copy
// of those repositories):
//   git -C <k8s.io/api> show HEAD:core/v1/types.go > /tmp/core.go
//   git -C <k8s.io/apimachinery> show HEAD:pkg/apis/meta/v1/types.go > /tmp/meta.go
//   npx tsx scripts/gen-protobuf-schema.ts /tmp/core.go /tmp/meta.go <api commit> > src/apiserver/protobuf/core-schema.ts
//   npx prettier --write src/apiserver/protobuf/core-schema.ts
import { readFileSync } from 'node:fs';

interface GoField {
  goName: string;
  goType: string;
  embedded: boolean;
  json: string;
  omitempty: boolean;
  number: number;
}

interface GoStruct {
  pkg: 'core' | 'meta';
  name: string;
  fields: GoField[];
}

/** Types of other packages that are not messages of their own in the table. */
const SPECIAL: Readonly<Record<string, string>> = {
  'metav1.Time': 'time',
  'resource.Quantity': 'quantity',
  'intstr.IntOrString': 'intOrString',
  'metav1.FieldsV1': 'fieldsV1',
  'types.UID': 'string',
  string: 'string',
  bool: 'bool',
  int32: 'int',
  int64: 'int',
  byte: 'bytes',
};

/** The messages other modules use; the rest of the table is reachable from them. */
const ROOTS = ['meta.ObjectMeta', 'core.Pod', 'core.Service'];

const FIELD = /^\t(?:(\w+)\s+)?([\w.*[\]]+)\s+`([^`]*)`/;

function parseGo(
  source: string,
  pkg: GoStruct['pkg'],
): { structs: GoStruct[]; aliases: Map<string, string> } {
  const structs: GoStruct[] = [];
  const aliases = new Map<string, string>();
  let current: GoStruct | undefined;
  for (const line of source.split('\n')) {
    const start = /^type (\w+) struct \{/.exec(line);
    const alias = /^type (\w+) ([\w.*[\]]+)\s*$/.exec(line);
    if (start?.[1] !== undefined) current = { pkg, name: start[1], fields: [] };
    else if (alias?.[1] !== undefined && alias[2] !== undefined) aliases.set(alias[1], alias[2]);
    else if (line === '}' && current !== undefined) {
      structs.push(current);
      current = undefined;
    } else if (current !== undefined) {
      const field = parseField(line);
      if (field !== undefined) current.fields.push(field);
    }
  }
  return { structs, aliases };
}

function parseField(line: string): GoField | undefined {
  const m = FIELD.exec(line);
  if (m === null) return undefined;
  const [, goName, goType = '', tags = ''] = m;
  const protobuf = /protobuf:"(\w+),(\d+)/.exec(tags);
  if (protobuf === null) return undefined;
  const json = /json:"([^"]*)"/.exec(tags)?.[1] ?? '';
  const [jsonName = '', ...options] = json.split(',');
  return {
    goName: goName ?? goType,
    goType,
    embedded: goName === undefined,
    json: jsonName,
    omitempty: options.includes('omitempty'),
    number: Number(protobuf[2]),
  };
}

class SchemaWriter {
  /** The const each emitted struct became, by struct key and by body. */
  private readonly emitted = new Map<string, string>();
  private readonly bodies = new Map<string, string>();
  private readonly visiting = new Set<string>();
  private readonly out: string[] = [];

  constructor(
    private readonly structs: Map<string, GoStruct>,
    private readonly aliases: Map<string, string>,
  ) {}

  text(): string {
    return this.out.join('\n');
  }

  /** Emits a struct after the structs it uses, so each const is defined before it is referenced. */
  emit(key: string): string {
    const struct = this.structs.get(key);
    if (struct === undefined) throw new Error(`no Go struct ${key}`);
    const done = this.emitted.get(key);
    if (done !== undefined) return done;
    if (this.visiting.has(key)) throw new Error(`${key} refers to itself: the table cannot hold a cycle`);
    this.visiting.add(key);
    const body = struct.fields.map((f) => `  ${f.number}: ${this.fieldSpec(struct, f)},`).join('\n');
    this.visiting.delete(key);
    // EphemeralContainerCommon repeats Container field for field: one table serves both.
    const constName = this.bodies.get(body) ?? constNameOf(struct.name);
    this.emitted.set(key, constName);
    if (this.bodies.has(body)) return constName;
    this.bodies.set(body, constName);
    const exported = ROOTS.includes(key) ? 'export ' : '';
    this.out.push(`${exported}const ${constName}: Schema = {\n${body}\n};\n`);
    return constName;
  }

  private fieldSpec(struct: GoStruct, f: GoField): string {
    let goType = f.goType;
    const pointer = goType.startsWith('*');
    if (pointer) goType = goType.slice(1);
    const resolved = this.resolve(struct.pkg, goType);
    const parts = [`name: '${f.json}'`];
    let kind: string | undefined;
    let value: string;
    // An embedded struct without a JSON name is inlined by encoding/json but is one field of its own in protobuf.
    if (f.embedded && f.json === '') {
      kind = 'inline';
      value = this.valueOf(struct.pkg, resolved);
    } else if (resolved.startsWith('map[')) {
      kind = 'map';
      value = this.valueOf(struct.pkg, this.resolve(struct.pkg, resolved.replace(/^map\[[^\]]+\]/, '')));
    } else if (resolved.startsWith('[]') && resolved !== '[]byte') {
      kind = 'repeated';
      value = this.valueOf(struct.pkg, this.resolve(struct.pkg, resolved.slice(2)));
    } else value = this.valueOf(struct.pkg, resolved);
    parts.push(`type: ${value}`);
    if (kind !== undefined) parts.push(`kind: '${kind}'`);
    // A pointer is written only when set, so its zero is a real value; encoding/json drops a non-pointer zero
    // only under omitempty.
    const scalar = ["'string'", "'bool'", "'int'"].includes(value);
    if (kind === undefined && scalar && (pointer || !f.omitempty)) parts.push('keepZero: true');
    return `{ ${parts.join(', ')} }`;
  }

  private resolve(pkg: GoStruct['pkg'], goType: string): string {
    const qualified = this.qualify(pkg, goType);
    if (SPECIAL[qualified] !== undefined || goType === '[]byte')
      return goType === '[]byte' ? 'byte' : qualified;
    const local = goType.includes('.') ? goType.split('.')[1] : goType;
    const target = qualified.startsWith('metav1.') ? 'meta' : pkg;
    const alias = local === undefined ? undefined : this.aliases.get(`${target}.${local}`);
    return alias === undefined ? qualified : this.resolve(target, alias);
  }

  private qualify(pkg: GoStruct['pkg'], goType: string): string {
    if (goType.includes('.') || goType.startsWith('[]') || goType.startsWith('map[')) return goType;
    if (SPECIAL[goType] !== undefined) return goType;
    if (pkg === 'meta' && this.structs.has(`meta.${goType}`)) return `metav1.${goType}`;
    if (pkg === 'meta' && SPECIAL[`metav1.${goType}`] !== undefined) return `metav1.${goType}`;
    return goType;
  }

  private valueOf(pkg: GoStruct['pkg'], goType: string): string {
    const special = SPECIAL[goType];
    if (special !== undefined) return `'${special}'`;
    if (goType.startsWith('metav1.')) return this.emit(`meta.${goType.slice('metav1.'.length)}`);
    if (goType.startsWith('[]')) {
      const item = this.resolve(pkg, goType.slice(2));
      if (item === 'string') return `'stringList'`;
      throw new Error(`unsupported nested list ${goType}`);
    }
    return this.emit(`${pkg}.${goType}`);
  }
}

function constNameOf(goName: string): string {
  return goName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

function main(): void {
  const [corePath, metaPath, commit = 'unknown'] = process.argv.slice(2);
  if (corePath === undefined || metaPath === undefined) {
    throw new Error('usage: gen-protobuf-schema.ts <core/v1/types.go> <meta/v1/types.go> [commit]');
  }
  const core = parseGo(readFileSync(corePath, 'utf8'), 'core');
  const meta = parseGo(readFileSync(metaPath, 'utf8'), 'meta');
  const structs = new Map<string, GoStruct>();
  for (const s of [...core.structs, ...meta.structs]) structs.set(`${s.pkg}.${s.name}`, s);
  const aliases = new Map<string, string>();
  for (const [k, v] of core.aliases) aliases.set(`core.${k}`, v);
  for (const [k, v] of meta.aliases) aliases.set(`meta.${k}`, v);
  const writer = new SchemaWriter(structs, aliases);
  for (const root of ROOTS) writer.emit(root);
  process.stdout.write(
    [
      '// Generated by scripts/gen-protobuf-schema.ts (then prettier) from core/v1/types.go of k8s.io/api',
      `// ${commit} and pkg/apis/meta/v1/types.go of k8s.io/apimachinery: do not edit by hand.`,
      "import type { Schema } from './schema.js';",
      '',
      writer.text(),
    ].join('\n'),
  );
}

main();
