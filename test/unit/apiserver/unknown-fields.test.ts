import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Schema } from '../../../src/apiserver/openapi/types.js';
import { unknownFields } from '../../../src/apiserver/openapi/unknown-fields.js';

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const schemas = new Map<string, Schema>([
  [
    'io.k8s.api.core.v1.ConfigMap',
    {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { allOf: [ref('meta')] },
        data: { type: 'object', additionalProperties: { type: 'string' } },
        list: { type: 'array', items: ref('item') },
      },
    },
  ],
  [
    'meta',
    {
      type: 'object',
      properties: {
        name: { type: 'string' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  ],
  ['item', { type: 'object', properties: { a: { type: 'string' } } }],
]);

test('fields the schema does not know are reported with their path; map keys are free', () => {
  const found = unknownFields(schemas, '', 'v1', 'ConfigMap', {
    kind: 'ConfigMap',
    metadata: { name: 'x', labels: { anything: 'goes' }, nam: 'typo' },
    data: { 'any.key': 'v' },
    list: [{ a: '1' }, { b: '2' }],
    datta: {},
  });
  assert.deepEqual(found, ['metadata.nam', 'list[1].b', 'datta']);
});

test('a kind without a schema reports nothing', () => {
  assert.deepEqual(unknownFields(schemas, 'example.com', 'v1', 'Thing', { whatever: 1 }), []);
});
