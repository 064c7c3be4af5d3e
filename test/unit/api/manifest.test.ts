import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatManifestError, parseManifests } from '../../../src/api/manifest.js';

const pod = (name: string, containerYaml = '  - name: c\n    image: nginx\n'): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n${containerYaml}`;

describe('parseManifests', () => {
  test('returns every pod of a multi-document stream, defaulted', () => {
    const { pods, errors } = parseManifests(`${pod('a')}---\n${pod('b')}`, 'pods.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual(
      pods.map((p) => p.metadata?.name),
      ['a', 'b'],
    );
    assert.equal(pods[0]?.spec?.restartPolicy, 'Always');
    assert.equal(pods[0]?.metadata?.namespace, 'default');
  });

  test('skips empty and comment-only documents', () => {
    const { pods, errors } = parseManifests(`---\n# nothing here\n---\n${pod('a')}---\n`, 'pods.yaml');
    assert.deepEqual(errors, []);
    assert.equal(pods.length, 1);
  });

  test('reads a JSON manifest', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'j' },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    assert.equal(parseManifests(json, 'pod.json').pods[0]?.metadata?.name, 'j');
  });

  test('expands a v1 List of pods', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [1, 2].map((i) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p${i}` },
        spec: { containers: [{ name: 'c', image: 'x' }] },
      })),
    };
    assert.deepEqual(
      parseManifests(JSON.stringify(list), 'list.json').pods.map((p) => p.metadata?.name),
      ['p1', 'p2'],
    );
  });

  test('refuses another kind, naming it, its source and its document', () => {
    const { errors } = parseManifests(`${pod('a')}---\napiVersion: apps/v1\nkind: Deployment\n`, 'app.yaml');
    assert.deepEqual(errors, [
      { source: 'app.yaml', document: 2, message: 'no matches for kind "Deployment" in version "apps/v1"' },
    ]);
    assert.equal(
      formatManifestError(errors[0]!),
      'app.yaml: document 2: no matches for kind "Deployment" in version "apps/v1"',
    );
  });

  test('refuses a Pod of another apiVersion', () => {
    const { errors } = parseManifests('apiVersion: v2\nkind: Pod\n', 'p.yaml');
    assert.equal(errors[0]?.message, 'no matches for kind "Pod" in version "v2"');
  });

  test('says what is missing when apiVersion or kind is not set', () => {
    const { errors } = parseManifests('metadata:\n  name: x\n', 'p.yaml');
    assert.equal(errors[0]?.message, 'error validating data: [apiVersion not set, kind not set]');
  });

  test('gives the line and column of a YAML syntax error', () => {
    const { errors } = parseManifests('apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a\n', 'bad.yaml');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.document, 1);
    assert.match(errors[0]?.message ?? '', /^error converting YAML to JSON: yaml: line \d+, column \d+: /);
  });

  test('reports a YAML error in one document and still reads the others', () => {
    const { pods, errors } = parseManifests(`${pod('a')}---\nkey: [unclosed\n---\n${pod('b')}`, 'mixed.yaml');
    assert.deepEqual(
      pods.map((p) => p.metadata?.name),
      ['a', 'b'],
    );
    assert.deepEqual(
      errors.map((e) => e.document),
      [2],
    );
  });

  test('words a field of the wrong type as kube-apiserver does', () => {
    const { errors } = parseManifests(pod('a', '  - name: c\n    image: nginx\n    ports: "80"\n'), 'p.yaml');
    assert.deepEqual(errors, [
      {
        source: 'p.yaml',
        document: 1,
        field: 'spec.containers[0].ports',
        message:
          'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field Container.spec.containers.ports of type []v1.ContainerPort',
      },
    ]);
  });

  test('reads YAML 1.1 booleans as kubectl does, so `yes` is not a string', () => {
    const { errors } = parseManifests(
      pod('a', '  - name: c\n    image: nginx\n    env:\n    - name: A\n      value: yes\n'),
      'p.yaml',
    );
    assert.match(
      errors[0]?.message ?? '',
      /cannot unmarshal bool into Go struct field EnvVar\.spec\.containers\.env\.value of type string$/,
    );
  });

  test('keeps a date-like label value a string', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    built: 2024-01-01\nspec:\n  containers:\n  - name: c\n    image: nginx\n';
    const { pods, errors } = parseManifests(text, 'p.yaml');
    assert.deepEqual(errors, []);
    assert.equal(pods[0]?.metadata?.annotations?.built, '2024-01-01');
  });

  test('refuses an unknown field by its path', () => {
    const { errors } = parseManifests(pod('a', '  - name: c\n    imagee: nginx\n'), 'p.yaml');
    assert.equal(
      errors[0]?.message,
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"',
    );
    assert.equal(errors[0]?.field, 'spec.containers[0].imagee');
  });

  test('reports validation errors as kubectl prints them', () => {
    const { pods, errors } = parseManifests(pod('a', '  - name: c\n    image: ""\n'), 'p.yaml');
    assert.deepEqual(pods, []);
    assert.deepEqual(errors, [
      {
        source: 'p.yaml',
        document: 1,
        field: 'spec.containers[0].image',
        message: 'The Pod "a" is invalid: spec.containers[0].image: Required value',
      },
    ]);
  });

  test('lists several validation errors one per line', () => {
    const containers =
      '  - name: c\n    image: nginx\n  - name: c\n    image: nginx\n    volumeMounts:\n    - name: x\n      mountPath: /x\n';
    const { errors } = parseManifests(pod('a', containers), 'p.yaml');
    assert.equal(
      errors[0]?.message,
      'The Pod "a" is invalid: \n* spec.containers[1].volumeMounts[0].name: Not found: "x"\n* spec.containers[1].name: Duplicate value: "c"',
    );
  });

  test('refuses a document that is not a mapping', () => {
    const { errors } = parseManifests('- a\n- b\n', 'list.yaml');
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /^error validating data: /);
  });
});
