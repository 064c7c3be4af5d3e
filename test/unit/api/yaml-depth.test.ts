import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { nestingDepth } from '../../../src/apiserver/http-io.js';
import { MAX_YAML_DEPTH, yamlDepthBound } from '../../../src/api/yaml-depth.js';
import { parseManifests } from '../../../src/api/manifest.js';

describe('the YAML depth bound', () => {
  test('is never below the depth of what the text parses to, in block or flow style', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.string({ minLength: 1 }), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.boolean(), (v, flow) => {
        const text = stringify(v, flow ? { collectionStyle: 'flow' } : {});
        assert.ok(yamlDepthBound(text) >= nestingDepth(v), text);
      }),
      { numRuns: 300 },
    );
  });

  test('counts flow brackets, block indentation and compact `- ` indicators', () => {
    assert.equal(yamlDepthBound('a: 1\n'), 1);
    assert.equal(yamlDepthBound('a:\n  b: [1, {c: 2}]\n'), 5);
    assert.equal(yamlDepthBound('- - - x\n'), 7);
    assert.ok(yamlDepthBound('['.repeat(100_000)) > MAX_YAML_DEPTH);
  });

  test('keeps a pod manifest far below the limit', () => {
    const pod = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: web, labels: { app: web } }',
      'spec:',
      '  containers:',
      '    - name: c',
      '      image: busybox',
      '      command: ["sh", "-c", "echo [ok]"]',
      '      volumeMounts:',
      '        - { name: v, mountPath: /v }',
      '  volumes:',
      '    - name: v',
      '      projected:',
      '        sources:',
      '          - configMap: { name: c, items: [{ key: k, path: p }] }',
    ].join('\n');
    assert.ok(yamlDepthBound(pod) < 30);
  });

  test('a static pod manifest nested past the limit is a manifest error, not a crash', () => {
    const parsed = parseManifests('- '.repeat(100_000) + 'x', 'deep.yaml');
    assert.deepEqual(parsed.pods, []);
    assert.deepEqual(parsed.errors, [
      { source: 'deep.yaml', document: 1, message: `yaml: exceeded max depth of ${MAX_YAML_DEPTH}` },
    ]);
  });
});
