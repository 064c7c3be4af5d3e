import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fieldErrorMessage } from '../../../src/api/errors.js';
import { decodePod, podDecodeErrorMessage } from '../../../src/api/pod-schema.js';
import { podSchema } from '../../../src/api/pod-schema-table.js';

const prefix = 'Pod in version "v1" cannot be handled as a Pod: ';

function podWithContainer(container: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'nginx', ...container }] },
  };
}

const decodeError = (obj: unknown): string | undefined => podDecodeErrorMessage(decodePod(obj));

describe('decodePod', () => {
  test('accepts a well-typed pod without complaint', () => {
    const result = decodePod(
      podWithContainer({ ports: [{ containerPort: 80 }], resources: { limits: { cpu: 1 } } }),
    );
    assert.deepEqual(result.typeErrors, []);
    assert.deepEqual(result.unknownFields, []);
    assert.equal(podDecodeErrorMessage(result), undefined);
  });

  test('words a list given as a string like encoding/json', () => {
    assert.equal(
      decodeError(podWithContainer({ ports: '80' })),
      `${prefix}json: cannot unmarshal string into Go struct field Container.spec.containers.ports of type []v1.ContainerPort`,
    );
  });

  test('names the innermost struct and a number that does not fit', () => {
    assert.equal(
      decodeError(podWithContainer({ ports: [{ containerPort: 80.5 }] })),
      `${prefix}json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`,
    );
  });

  test('rejects a number where a string belongs, as with an unquoted env value', () => {
    assert.equal(
      decodeError(podWithContainer({ env: [{ name: 'A', value: 8080 }] })),
      `${prefix}json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string`,
    );
  });

  test('rejects a label value that is not a string', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { version: 1.5 } },
      spec: { containers: [] },
    };
    assert.equal(
      decodeError(pod),
      `${prefix}json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string`,
    );
  });

  test('reports a quantity that does not parse with the quantity parser message', () => {
    assert.equal(
      decodeError(podWithContainer({ resources: { limits: { memory: '1GB' } } })),
      `${prefix}quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
    assert.equal(
      decodeError(podWithContainer({ resources: { limits: { memory: '1iK' } } })),
      `${prefix}unable to parse quantity's suffix`,
    );
  });

  test('words a bad int-or-string port like intstr does', () => {
    assert.equal(
      decodeError(podWithContainer({ livenessProbe: { tcpSocket: { port: true } } })),
      `${prefix}json: cannot unmarshal bool into Go value of type int32`,
    );
  });

  test('gives type errors as FieldValueTypeInvalid field errors', () => {
    const [error] = decodePod(podWithContainer({ image: 5 })).typeErrors;
    assert.ok(error);
    assert.equal(error.type, 'FieldValueTypeInvalid');
    assert.equal(
      fieldErrorMessage(error),
      'spec.containers[0].image: Invalid value: 5: json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string',
    );
  });

  test('lists unknown fields with their indexed paths', () => {
    assert.equal(
      decodeError({ ...podWithContainer({ imagee: 'x' }), extra: 1 }),
      `${prefix}strict decoding error: unknown field "spec.containers[0].imagee", unknown field "extra"`,
    );
  });

  test('reports the first type error rather than unknown fields', () => {
    assert.match(
      decodeError(podWithContainer({ imagee: 'x', stdin: 'yes' })) ?? '',
      /cannot unmarshal string into Go struct field Container\.spec\.containers\.stdin of type bool$/,
    );
  });

  test('drops null fields as Go decodes them to zero values', () => {
    const { pod } = decodePod(podWithContainer({ command: null, args: ['a', null] }));
    assert.deepEqual(pod.spec?.containers[0], { name: 'c', image: 'nginx', args: ['a', ''] });
  });

  test('passes subtrees it does not model through unchecked', () => {
    const affinity = { nodeAffinity: { anything: ['goes'] } };
    const result = decodePod({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [], affinity } });
    assert.deepEqual(result.unknownFields, []);
    assert.deepEqual(result.pod.spec?.affinity, affinity);
  });
});

// Every field kubernetes-types (the published v1 API) declares for a struct in the table must be in the table,
// or valid manifests would be refused as having unknown fields.
describe('the schema table', () => {
  const require = createRequire(import.meta.url);
  const declarations = ['core/v1.d.ts', 'meta/v1.d.ts']
    .map((file) => readFileSync(require.resolve(`kubernetes-types/${file}`), 'utf8'))
    .join('\n');

  function declaredFields(name: string): string[] | undefined {
    const body = new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`).exec(declarations)?.[1];
    return body === undefined ? undefined : [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1] ?? '');
  }

  test('covers every published field of each struct it describes', () => {
    const missing: string[] = [];
    for (const [name, fields] of Object.entries(podSchema)) {
      const published = declaredFields(name);
      if (published === undefined) continue;
      for (const field of published) if (!(field in fields)) missing.push(`${name}.${field}`);
    }
    assert.deepEqual(missing, []);
  });

  test('finds most of its structs in the published types', () => {
    const found = Object.keys(podSchema).filter((name) => declaredFields(name) !== undefined);
    assert.ok(found.length >= Object.keys(podSchema).length - 2, `only ${found.length} structs found`);
  });
});
