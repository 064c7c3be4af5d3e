import fc from 'fast-check';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import {
  decodeEnvelope,
  decodeKubernetesProtobuf,
  ProtobufDecodeError,
  UnsupportedProtobufKindError,
} from '../../../src/apiserver/protobuf.js';
import { bytesField, envelope, varint, varintField } from './protobuf-writer.js';

// Bodies captured from the real kubectl (1.33 sends protobuf, 1.27 sends JSON for the same commands);
// fixtures/README.md says how.
// The fixtures stay in the source tree: compiled tests (dist/test/...) are one folder deeper.
const compiled = import.meta.url.endsWith('.js');
const repo = resolve(import.meta.dirname, ...(compiled ? ['..', '..', '..', '..'] : ['..', '..', '..']));
const fixtures = join(repo, 'test', 'unit', 'apiserver', 'fixtures');

function protobufFixture(name: string): Uint8Array {
  return Buffer.from(readFileSync(join(fixtures, name), 'utf8').trim(), 'hex');
}

function jsonFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as Record<string, unknown>;
}

describe('decodeKubernetesProtobuf on what kubectl sends', () => {
  for (const [command, pb, json] of [
    [
      'auth can-i create pods',
      'kubectl-1.33-can-i-create-pods.ssar.pb.hex',
      'kubectl-1.27-can-i-create-pods.ssar.json',
    ],
    [
      'auth can-i list pods --subresource=log',
      'kubectl-1.33-can-i-list-pods-log.ssar.pb.hex',
      'kubectl-1.27-can-i-list-pods-log.ssar.json',
    ],
  ] as const) {
    test(`reads the SelfSubjectAccessReview of \`${command}\` as the JSON an older kubectl sends`, () => {
      assert.deepEqual(decodeKubernetesProtobuf(protobufFixture(pb)), jsonFixture(json));
    });
  }

  test('reads the SelfSubjectReview of `auth whoami` as an empty review', () => {
    assert.deepEqual(decodeKubernetesProtobuf(protobufFixture('kubectl-1.33-whoami.ssr.pb.hex')), {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: { userInfo: {} },
    });
  });

  test('reads the SelfSubjectRulesReview of `auth can-i --list` with its namespace', () => {
    const decoded = decodeKubernetesProtobuf(protobufFixture('kubectl-1.33-can-i-list.ssrr.pb.hex'));
    assert.deepEqual(decoded, {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: jsonFixture('kubectl-1.27-can-i-list.ssrr.json').spec,
    });
  });

  test('splits the envelope into type, raw bytes and the empty encoding fields kubectl writes', () => {
    const env = decodeEnvelope(protobufFixture('kubectl-1.33-can-i-create-pods.ssar.pb.hex'));
    assert.equal(env.apiVersion, 'authorization.k8s.io/v1');
    assert.equal(env.kind, 'SelfSubjectAccessReview');
    assert.equal(env.contentEncoding, '');
    assert.equal(env.contentType, '');
    assert.ok(Buffer.from(env.raw).includes(Buffer.from('default')));
  });
});

describe('decodeKubernetesProtobuf on hand-built bodies', () => {
  test('skips fields it does not know, of every wire type', () => {
    const attributes = [...bytesField(2, 'get'), ...bytesField(5, 'pods')];
    const unknown = [
      ...varintField(20, 7),
      ...[...varint((21 << 3) | 1), 1, 2, 3, 4, 5, 6, 7, 8],
      ...[...varint((22 << 3) | 5), 1, 2, 3, 4],
      ...bytesField(23, 'ignored'),
    ];
    const body = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [
      ...unknown,
      ...bytesField(2, bytesField(1, [...attributes, ...unknown])),
    ]);
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { resourceAttributes: { verb: 'get', resource: 'pods' } },
    });
  });

  test('reads metadata labels, timestamps and field selector requirements', () => {
    const label = (k: string, v: string) => bytesField(11, [...bytesField(1, k), ...bytesField(2, v)]);
    const metadata = [
      ...bytesField(1, 'r1'),
      ...label('a', '1'),
      ...label('b', '2'),
      ...bytesField(8, varintField(1, 1700000000)),
    ];
    const requirement = [
      ...bytesField(1, 'spec.nodeName'),
      ...bytesField(2, 'In'),
      ...bytesField(3, 'n1'),
      ...bytesField(3, 'n2'),
    ];
    const attributes = [...bytesField(2, 'list'), ...bytesField(8, bytesField(2, requirement))];
    const body = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [
      ...bytesField(1, metadata),
      ...bytesField(2, bytesField(1, attributes)),
      ...bytesField(3, varintField(1, 1)),
    ]);
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { name: 'r1', labels: { a: '1', b: '2' }, creationTimestamp: '2023-11-14T22:13:20Z' },
      spec: {
        resourceAttributes: {
          verb: 'list',
          fieldSelector: { requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['n1', 'n2'] }] },
        },
      },
      status: { allowed: true },
    });
  });

  test('reads user info extra values of a SelfSubjectReview', () => {
    const extra = bytesField(4, [
      ...bytesField(1, 'k'),
      ...bytesField(2, [...bytesField(1, 'x'), ...bytesField(1, 'y')]),
    ]);
    const userInfo = [...bytesField(1, 'jane'), ...bytesField(3, 'dev'), ...extra];
    const body = envelope(
      'authentication.k8s.io/v1beta1',
      'SelfSubjectReview',
      bytesField(2, bytesField(1, userInfo)),
    );
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1beta1',
      status: { userInfo: { username: 'jane', groups: ['dev'], extra: { k: ['x', 'y'] } } },
    });
  });

  test('round-trips any resource attributes', () => {
    const names = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, unit: 'grapheme' }), { minLength: 7, maxLength: 7 }),
        (values) => {
          const attributes = names.flatMap((_, i) => bytesField(i + 1, values[i] ?? ''));
          const body = envelope(
            'authorization.k8s.io/v1',
            'SelfSubjectAccessReview',
            bytesField(2, bytesField(1, attributes)),
          );
          const decoded = decodeKubernetesProtobuf(body) as {
            spec: { resourceAttributes: Record<string, string> };
          };
          assert.deepEqual(
            decoded.spec.resourceAttributes,
            Object.fromEntries(names.map((n, i) => [n, values[i]])),
          );
        },
      ),
    );
  });
});

describe('decodeKubernetesProtobuf on bad bodies', () => {
  test('rejects a body without the k8s\\0 prefix', () => {
    assert.throws(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}')), ProtobufDecodeError);
  });

  test('rejects a body cut short in the middle of a field', () => {
    const whole = protobufFixture('kubectl-1.33-can-i-create-pods.ssar.pb.hex');
    assert.throws(() => decodeKubernetesProtobuf(whole.subarray(0, whole.length - 20)), /runs past the end/);
  });

  test('names the kind it cannot decode', () => {
    const body = envelope('apps/v1', 'Deployment', bytesField(1, bytesField(1, 'd1')));
    assert.throws(
      () => decodeKubernetesProtobuf(body),
      (e: unknown) =>
        e instanceof UnsupportedProtobufKindError && e.kind === 'Deployment' && e.apiVersion === 'apps/v1',
    );
  });

  test('rejects a known field sent with the wrong wire type', () => {
    const body = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', varintField(2, 1));
    assert.throws(
      () => decodeKubernetesProtobuf(body),
      /cannot decode SelfSubjectAccessReview: field spec \(2\) has wire type 0/,
    );
  });

  test('rejects a string that is not UTF-8', () => {
    const body = envelope(
      'authorization.k8s.io/v1',
      'SelfSubjectRulesReview',
      bytesField(2, bytesField(1, [0xff, 0xfe])),
    );
    assert.throws(() => decodeKubernetesProtobuf(body), /not valid UTF-8/);
  });
});
