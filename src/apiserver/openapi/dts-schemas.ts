// Build-time only (scripts/gen-openapi.ts): OpenAPI v3 component schemas read from the kubernetes-types .d.ts
// files with the TypeScript compiler. Their JSDoc comments are the upstream field descriptions, so `kubectl
// explain` prints what it prints against kube-apiserver. Schema names and shapes follow
// kubernetes/kubernetes api/openapi-spec/v3 (refs with a description as `allOf: [{$ref}]`).
import ts from 'typescript';
import { INT_OR_STRING, refTo } from './schema-ref.js';
import type { Schema } from './types.js';

/** A .d.ts module and the upstream Go package its types are named after. */
export interface TypeModule {
  /** Absolute path of the .d.ts file. */
  file: string;
  /** 'io.k8s.api.core.v1', 'io.k8s.apimachinery.pkg.apis.meta.v1', ... */
  prefix: string;
}

export class SchemaExtractionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SchemaExtractionError';
  }
}

/**
 * Types kubernetes-types flattens to `string` whose upstream v3 schema says more: Time's format, and Quantity's
 * `oneOf` (apimachinery resource.Quantity.OpenAPIV3OneOfTypes), which also makes `kubectl explain` name the type
 * `Quantity` rather than `string`.
 */
const ALIAS_OVERRIDES: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

/** kubernetes-types inlines IntOrString as `number | string`; upstream names it (intstr.IntOrString). */
const INT_OR_STRING_SCHEMA: Schema = {
  description:
    'IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.',
  format: 'int-or-string',
  oneOf: [{ type: 'integer' }, { type: 'string' }],
  'x-kubernetes-int-or-string': true,
};

class Extractor {
  private readonly checker: ts.TypeChecker;
  private readonly prefixes = new Map<string, string>();

  constructor(
    private readonly program: ts.Program,
    modules: readonly TypeModule[],
  ) {
    this.checker = program.getTypeChecker();
    for (const m of modules) this.prefixes.set(ts.sys.resolvePath(m.file), m.prefix);
  }

  run(): Record<string, Schema> {
    const schemas: Record<string, Schema> = { [INT_OR_STRING]: INT_OR_STRING_SCHEMA };
    for (const file of this.program.getSourceFiles()) {
      const prefix = this.prefixes.get(ts.sys.resolvePath(file.fileName));
      if (prefix === undefined) continue;
      for (const statement of file.statements) {
        if (ts.isInterfaceDeclaration(statement))
          schemas[`${prefix}.${statement.name.text}`] = this.interfaceSchema(statement);
        else if (ts.isTypeAliasDeclaration(statement))
          schemas[`${prefix}.${statement.name.text}`] = this.aliasSchema(prefix, statement);
      }
    }
    return schemas;
  }

  private describe(node: ts.Declaration & { name: ts.Node }): string | undefined {
    const symbol = this.checker.getSymbolAtLocation(node.name);
    const text = symbol ? ts.displayPartsToString(symbol.getDocumentationComment(this.checker)) : '';
    return text === '' ? undefined : text;
  }

  private aliasSchema(prefix: string, node: ts.TypeAliasDeclaration): Schema {
    const name = `${prefix}.${node.name.text}`;
    const description = this.describe(node);
    const schema: Schema = { ...(ALIAS_OVERRIDES[name] ?? this.typeSchema(node.type)) };
    return description === undefined ? schema : { description, ...schema };
  }

  private interfaceSchema(node: ts.InterfaceDeclaration): Schema {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    const literals: Record<string, string> = {};
    for (const member of node.members) {
      if (!ts.isPropertySignature(member) || member.type === undefined) continue;
      const name = member.name.getText().replace(/^"|"$/g, '');
      properties[name] = this.propertySchema(member);
      if (member.questionToken === undefined) required.push(name);
      if (ts.isLiteralTypeNode(member.type) && ts.isStringLiteral(member.type.literal))
        literals[name] = member.type.literal.text;
    }
    const schema: Schema = { type: 'object' };
    const description = this.describe(node);
    if (description !== undefined) schema.description = description;
    if (Object.keys(properties).length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = required;
    if (literals.kind !== undefined && literals.apiVersion !== undefined) {
      const slash = literals.apiVersion.lastIndexOf('/');
      schema['x-kubernetes-group-version-kind'] = [
        {
          group: slash < 0 ? '' : literals.apiVersion.slice(0, slash),
          kind: literals.kind,
          version: literals.apiVersion.slice(slash + 1),
        },
      ];
    }
    return schema;
  }

  private propertySchema(member: ts.PropertySignature): Schema {
    const inner = this.typeSchema(member.type as ts.TypeNode);
    const description = this.describe(member);
    if (description === undefined) return inner;
    // A sibling of $ref is ignored by OpenAPI 3.0, so upstream wraps the ref to keep the field's own description.
    return inner.$ref !== undefined ? { allOf: [inner], description } : { ...inner, description };
  }

  private typeSchema(node: ts.TypeNode): Schema {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.NumberKeyword:
        return { type: 'integer' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.LiteralType:
        return { type: 'string' };
      case ts.SyntaxKind.ArrayType:
        return { type: 'array', items: this.typeSchema((node as ts.ArrayTypeNode).elementType) };
      case ts.SyntaxKind.UnionType:
        return this.unionSchema(node as ts.UnionTypeNode);
      case ts.SyntaxKind.TypeLiteral:
        return this.mapSchema(node as ts.TypeLiteralNode);
      case ts.SyntaxKind.TypeReference:
        return this.referenceSchema(node as ts.TypeReferenceNode);
      default:
        throw new SchemaExtractionError(`unsupported type ${node.getText()} at ${where(node)}`);
    }
  }

  /** kubernetes-types writes IntOrString as `number | string`. */
  private unionSchema(node: ts.UnionTypeNode): Schema {
    const kinds = node.types.map((t) => t.kind).sort();
    const intOrString = [ts.SyntaxKind.NumberKeyword, ts.SyntaxKind.StringKeyword].sort();
    if (kinds.length === 2 && kinds.every((k, i) => k === intOrString[i])) return refTo(INT_OR_STRING);
    throw new SchemaExtractionError(`unsupported union ${node.getText()} at ${where(node)}`);
  }

  /** `{ [key: string]: T }`: a Go map. */
  private mapSchema(node: ts.TypeLiteralNode): Schema {
    const index = node.members.find(ts.isIndexSignatureDeclaration);
    if (index === undefined || node.members.length !== 1)
      throw new SchemaExtractionError(`unsupported type literal at ${where(node)}`);
    return { type: 'object', additionalProperties: this.typeSchema(index.type) };
  }

  private referenceSchema(node: ts.TypeReferenceNode): Schema {
    const name = node.typeName.getText();
    if (name === 'Array' && node.typeArguments?.[0] !== undefined)
      return { type: 'array', items: this.typeSchema(node.typeArguments[0]) };
    let symbol = this.checker.getSymbolAtLocation(node.typeName);
    if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias)
      symbol = this.checker.getAliasedSymbol(symbol);
    const declaration = symbol?.declarations?.[0];
    const prefix = declaration && this.prefixes.get(ts.sys.resolvePath(declaration.getSourceFile().fileName));
    if (prefix === undefined || symbol === undefined)
      throw new SchemaExtractionError(`type ${name} at ${where(node)} is not in any known module`);
    return refTo(`${prefix}.${symbol.name}`);
  }
}

function where(node: ts.Node): string {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${file.fileName}:${line + 1}`;
}

/** Every interface and type alias of the modules, as `components.schemas` keyed by upstream name. */
export function extractSchemas(modules: readonly TypeModule[]): Record<string, Schema> {
  const program = ts.createProgram(
    modules.map((m) => m.file),
    { noEmit: true, skipLibCheck: true, types: [] },
  );
  return new Extractor(program, modules).run();
}
