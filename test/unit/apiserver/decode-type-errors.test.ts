import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dropNulls } from '../../../src/apiserver/openapi/null-values.js';
import { firstTypeError } from '../../../src/apiserver/openapi/type-errors.js';
import type { Schema } from '../../../src/apiserver/openapi/types.js';

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const schemas = new Map<string, Schema>([
  [
    'io.k8s.api.core.v1.Service',
    {
      type: 'object',
      properties: {
        metadata: { allOf: [ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')] },
        spec: { allOf: [ref('io.k8s.api.core.v1.ServiceSpec')] },
      },
    },
  ],
  [
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    { type: 'object', properties: { name: { type: 'string' }, labels: stringMap } },
  ],
  [
    'io.k8s.api.core.v1.ServiceSpec',
    {
      type: 'object',
      properties: {
        selector: stringMap,
        ports: { type: 'array', items: ref('io.k8s.api.core.v1.ServicePort') },
        type: { type: 'string' },
      },
    },
  ],
  [
    'io.k8s.api.core.v1.ServicePort',
    {
      type: 'object',
      properties: {
        port: { type: 'integer' },
        targetPort: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString'),
      },
    },
  ],
  [
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    { oneOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
  ],
]);

const typeError = (object: unknown) => firstTypeError(schemas, '', 'v1', 'Service', object);

describe('decoding a body the way encoding/json does', () => {
  test('refuses a number where a string goes, naming the Go struct field', () => {
    assert.equal(
      typeError({ metadata: { name: 1e308 } }),
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
    );
  });

  test('refuses a string where an object goes, and a number in a string map', () => {
    assert.match(
      typeError({ spec: 'x' }) ?? '',
      /cannot unmarshal string into Go struct field Service.spec of type v1.ServiceSpec/,
    );
    assert.match(
      typeError({ spec: { selector: { a: 1 } } }) ?? '',
      /cannot unmarshal number into Go struct field ServiceSpec.spec.selector/,
    );
  });

  test('refuses a fraction or an out-of-range number in an integer, but takes either form of IntOrString', () => {
    assert.match(
      typeError({ spec: { ports: [{ port: 1.5 }] } }) ?? '',
      /cannot unmarshal number 1.5 into Go struct field/,
    );
    assert.match(typeError({ spec: { ports: [{ port: 1e308 }] } }) ?? '', /number 1e\+308/);
    assert.equal(
      typeError({ spec: { ports: [{ port: 80, targetPort: 'http' }, { targetPort: 8080 }] } }),
      undefined,
    );
    assert.match(typeError({ spec: { ports: [{ targetPort: true }] } }) ?? '', /of type intstr.IntOrString/);
  });

  test('takes null anywhere: a struct field is dropped, a map value becomes its zero value', () => {
    const body = { metadata: { name: 'a', labels: { x: null } }, spec: { type: null, ports: [null] } };
    assert.equal(typeError(body), undefined);
    dropNulls(schemas, '', 'v1', 'Service', body);
    assert.deepEqual(body, { metadata: { name: 'a', labels: { x: '' } }, spec: { ports: [{}] } });
  });
});
