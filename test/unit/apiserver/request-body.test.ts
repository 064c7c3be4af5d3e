import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkMediaType,
  MAX_NESTING_DEPTH,
  nestingDepth,
  parseBody,
} from '../../../src/apiserver/http-io.js';
import { deleteOptionsOf } from '../../../src/apiserver/resource-handler.js';
import { ApiError } from '../../../src/apiserver/status.js';
import { MAX_YAML_DEPTH } from '../../../src/api/yaml-depth.js';

const codeOf = (f: () => unknown): number | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof ApiError ? e.status.code : -1;
  }
  return undefined;
};

describe('request bodies', () => {
  test('refuses JSON nested deeper than the limit with 400, without recursing', () => {
    const deep = (n: number) => Buffer.from(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
    assert.equal(
      codeOf(() => parseBody(deep(100_000), 'application/merge-patch+json')),
      400,
    );
    assert.equal(
      codeOf(() => parseBody(deep(MAX_NESTING_DEPTH + 1), 'application/json')),
      400,
    );
    assert.equal(
      codeOf(() => parseBody(deep(MAX_NESTING_DEPTH), 'application/json')),
      undefined,
    );
    assert.equal(nestingDepth({ a: [[1], { b: {} }] }), 4);
  });

  test('refuses YAML that could nest past the limit with 400 before parsing it', () => {
    for (const hostile of ['['.repeat(100_000), '- '.repeat(100_000) + 'x', '{a: '.repeat(100_000)]) {
      for (const type of ['application/yaml', 'application/apply-patch+yaml']) {
        assert.throws(
          () => parseBody(Buffer.from(hostile), type),
          (e: unknown) =>
            e instanceof ApiError &&
            e.status.code === 400 &&
            e.status.message === `error decoding body: yaml: exceeded max depth of ${MAX_YAML_DEPTH}`,
        );
      }
    }
    assert.deepEqual(parseBody(Buffer.from('a: [[1], {b: {}}]\n'), 'application/yaml'), {
      a: [[1], { b: {} }],
    });
  });

  test('takes only object media types for a create or update, as kube-apiserver does (415)', () => {
    assert.equal(
      codeOf(() => checkMediaType('application/merge-patch+json')),
      415,
    );
    assert.equal(
      codeOf(() => checkMediaType('text/plain')),
      415,
    );
    assert.equal(
      codeOf(() => checkMediaType('application/json; charset=utf-8')),
      undefined,
    );
    assert.equal(
      codeOf(() => checkMediaType('application/yaml')),
      undefined,
    );
  });
});

describe('delete options', () => {
  test('refuses a gracePeriodSeconds that is not an integer, in the query or the body, with 400', () => {
    const query = (q: string) => new URLSearchParams(q);
    assert.equal(
      codeOf(() => deleteOptionsOf({}, query('gracePeriodSeconds=abc'))),
      400,
    );
    assert.equal(
      codeOf(() => deleteOptionsOf({ gracePeriodSeconds: 'x' }, query(''))),
      400,
    );
    assert.equal(
      codeOf(() => deleteOptionsOf({ gracePeriodSeconds: 1.5 }, query(''))),
      400,
    );
    assert.deepEqual(deleteOptionsOf({ gracePeriodSeconds: null }, query('gracePeriodSeconds=-1')), {
      gracePeriodSeconds: -1,
    });
  });
});
