import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { decodeKubernetesProtobuf } from '../../../src/apiserver/protobuf.js';
import { bytesField, envelope, mapEntryField, varint, varintField } from './protobuf-writer.js';

// Pods POSTed by `kubectl debug` (test/fixtures/protobuf/README.md says how they were captured): kubectl 1.33
// sends protobuf, kubectl 1.31 JSON for the same command, so the JSON body is what the protobuf must decode to.
// The fixtures stay in the source tree: compiled tests (dist/test/...) are one folder deeper.
const compiled = import.meta.url.endsWith('.js');
const repo = resolve(import.meta.dirname, ...(compiled ? ['..', '..', '..', '..'] : ['..', '..', '..']));
const fixtures = join(repo, 'test', 'fixtures', 'protobuf');

type Json = Record<string, unknown>;

interface PodJson {
  metadata: { name: string };
  spec: { containers: { name: string; lifecycle?: Json }[] };
}

function decodeFixture(name: string): PodJson & Json {
  return decodeKubernetesProtobuf(
    readFileSync(join(fixtures, `kubectl-1.33-debug-${name}.pod.pb`)),
  ) as PodJson & Json;
}

function jsonFixture(name: string): PodJson & Json {
  return JSON.parse(readFileSync(join(fixtures, `kubectl-1.31-debug-${name}.pod.json`), 'utf8')) as PodJson &
    Json;
}

function pod(spec: number[], extra: number[] = []): Uint8Array {
  return envelope('v1', 'Pod', [...bytesField(2, spec), ...extra]);
}

describe('decodeKubernetesProtobuf on the pods `kubectl debug` creates', () => {
  for (const name of ['rich-copy', 'rich-keep', 'rich-target']) {
    test(`reads the copy of \`debug --copy-to\` (${name}) as the JSON an older kubectl sends`, () => {
      const expected = jsonFixture(name);
      const main = expected.spec.containers.find((c) => c.name === 'main');
      // Lifecycle.stopSignal is newer (1.33) than kubectl 1.31, which dropped it from the source pod.
      if (main?.lifecycle !== undefined) main.lifecycle = { ...main.lifecycle, stopSignal: 'SIGTERM' };
      assert.deepEqual(decodeFixture(name), expected);
    });
  }

  for (const profile of ['legacy', 'general', 'sysadmin', 'netadmin', 'baseline', 'restricted']) {
    test(`reads the pod of \`debug node/NAME --profile=${profile}\` as the JSON an older kubectl sends`, () => {
      const decoded = decodeFixture(`node-${profile}`);
      const expected = jsonFixture(`node-${profile}`);
      // kubectl names the pod with a random suffix, so the two captures differ there alone.
      assert.match(decoded.metadata.name, /^node-debugger-protonode-[a-z0-9]{5}$/);
      expected.metadata.name = decoded.metadata.name;
      assert.deepEqual(decoded, expected);
    });
  }
});

describe('decodeKubernetesProtobuf on hand-built pods', () => {
  test('keeps the zeros of pointer fields and of fields without omitempty, drops the others', () => {
    const container = [
      ...bytesField(1, ''),
      ...bytesField(2, ''),
      ...bytesField(6, [
        ...bytesField(1, ''),
        ...varintField(2, 0),
        ...varintField(3, 0),
        ...bytesField(4, ''),
      ]),
      ...bytesField(15, [...bytesField(1, []), ...varintField(4, 0)]),
      ...varintField(16, 0),
    ];
    const spec = [
      ...bytesField(2, container),
      ...varintField(4, 0),
      ...varintField(11, 0),
      ...bytesField(14, []),
    ];
    assert.deepEqual(decodeKubernetesProtobuf(pod(spec)), {
      kind: 'Pod',
      apiVersion: 'v1',
      spec: {
        containers: [
          {
            name: '',
            ports: [{ containerPort: 0 }],
            securityContext: { capabilities: {}, runAsUser: 0 },
          },
        ],
        terminationGracePeriodSeconds: 0,
        securityContext: {},
      },
    });
  });

  test('reads owner references and managed fields', () => {
    const owner = [
      ...bytesField(5, 'apps/v1'),
      ...bytesField(1, 'ReplicaSet'),
      ...bytesField(3, 'rs1'),
      ...bytesField(4, 'u-1'),
      ...varintField(6, 1),
      ...varintField(7, 0),
    ];
    const managed = [
      ...bytesField(1, 'kubectl'),
      ...bytesField(2, 'Update'),
      ...bytesField(4, varintField(1, 0)),
      ...bytesField(6, 'FieldsV1'),
      ...bytesField(7, bytesField(1, '{"f:metadata":{"f:labels":{}}}')),
    ];
    const metadata = [
      ...bytesField(1, 'p'),
      ...bytesField(8, []),
      ...bytesField(13, owner),
      ...bytesField(17, managed),
    ];
    assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'Pod', bytesField(1, metadata))), {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: 'p',
        creationTimestamp: null,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'rs1',
            uid: 'u-1',
            controller: true,
            blockOwnerDeletion: false,
          },
        ],
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Update',
            time: '1970-01-01T00:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:metadata': { 'f:labels': {} } },
          },
        ],
      },
    });
  });

  test('reads a status with conditions, container states and IPs', () => {
    const running = bytesField(2, bytesField(1, varintField(1, 1700000000)));
    const terminated = bytesField(3, [
      ...varintField(1, 0),
      ...varintField(2, 0),
      ...bytesField(3, 'Completed'),
      ...bytesField(5, []),
      ...bytesField(6, []),
    ]);
    const containerStatus = [
      ...bytesField(1, 'main'),
      ...bytesField(2, running),
      ...bytesField(3, terminated),
      ...varintField(4, 0),
      ...varintField(5, 0),
      ...bytesField(6, 'busybox'),
      ...bytesField(7, ''),
      ...bytesField(8, ''),
      ...varintField(9, 0),
    ];
    const condition = [
      ...bytesField(1, 'Ready'),
      ...bytesField(2, 'False'),
      ...bytesField(3, []),
      ...bytesField(4, varintField(1, 1700000000)),
    ];
    const status = [
      ...bytesField(1, 'Running'),
      ...bytesField(2, condition),
      ...bytesField(5, '10.0.0.1'),
      ...bytesField(16, bytesField(1, '10.0.0.1')),
      ...bytesField(12, bytesField(1, '10.1.0.5')),
      ...bytesField(7, varintField(1, 1700000000)),
      ...bytesField(8, containerStatus),
      ...bytesField(9, 'BestEffort'),
    ];
    assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'Pod', bytesField(3, status))), {
      kind: 'Pod',
      apiVersion: 'v1',
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: '2023-11-14T22:13:20Z' },
        ],
        hostIP: '10.0.0.1',
        hostIPs: [{ ip: '10.0.0.1' }],
        podIPs: [{ ip: '10.1.0.5' }],
        startTime: '2023-11-14T22:13:20Z',
        containerStatuses: [
          {
            name: 'main',
            state: { running: { startedAt: '2023-11-14T22:13:20Z' } },
            lastState: {
              terminated: { exitCode: 0, reason: 'Completed', startedAt: null, finishedAt: null },
            },
            ready: false,
            restartCount: 0,
            image: 'busybox',
            imageID: '',
            started: false,
          },
        ],
        qosClass: 'BestEffort',
      },
    });
  });

  test('reads probe ports as numbers or names and resources as quantity strings', () => {
    const port = (p: number[]) => bytesField(2, p);
    const httpGet = [
      ...bytesField(1, '/'),
      ...port([...varintField(1, 0), ...varintField(2, 8080), ...bytesField(3, '')]),
    ];
    const tcp = bytesField(1, [...varintField(1, 1), ...varintField(2, 0), ...bytesField(3, 'http')]);
    const resources = [
      ...mapEntryField(1, 'memory', bytesField(1, '128Mi')),
      ...mapEntryField(2, 'cpu', bytesField(1, '100m')),
      ...bytesField(2, bytesField(1, 'ephemeral-storage')),
    ];
    const container = [
      ...bytesField(1, 'c'),
      ...bytesField(8, resources),
      ...bytesField(10, bytesField(1, bytesField(2, httpGet))),
      ...bytesField(11, [...bytesField(1, bytesField(3, tcp)), ...varintField(4, 5)]),
    ];
    const decoded = decodeKubernetesProtobuf(pod(bytesField(2, container))) as {
      spec: { containers: Json[] };
    };
    assert.deepEqual(decoded.spec.containers[0], {
      name: 'c',
      resources: { limits: { memory: '128Mi' }, requests: { cpu: '100m', 'ephemeral-storage': '0' } },
      livenessProbe: { httpGet: { path: '/', port: 8080 } },
      readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 5 },
    });
  });

  test('reads inlined volume sources, empty ones as {}', () => {
    const volumes = [
      ...bytesField(1, [...bytesField(1, 'scratch'), ...bytesField(2, bytesField(2, []))]),
      ...bytesField(1, [
        ...bytesField(1, 'cm'),
        ...bytesField(2, bytesField(19, [...bytesField(1, bytesField(1, 'cfg')), ...varintField(3, 0o644)])),
      ]),
    ];
    const decoded = decodeKubernetesProtobuf(pod(volumes)) as { spec: Json };
    assert.deepEqual(decoded.spec.volumes, [
      { name: 'scratch', emptyDir: {} },
      { name: 'cm', configMap: { name: 'cfg', defaultMode: 0o644 } },
    ]);
  });

  test('reads repeated numbers packed and unpacked, and negative ones', () => {
    const packed = bytesField(4, [...varint(0), ...varint(3000)]);
    const securityContext = [...packed, ...varintField(4, 4000), ...varintField(5, -1)];
    const spec = [...bytesField(14, securityContext), ...varintField(25, -5)];
    const decoded = decodeKubernetesProtobuf(pod(spec)) as { spec: Json };
    assert.deepEqual(decoded.spec, {
      securityContext: { supplementalGroups: [0, 3000, 4000], fsGroup: -1 },
      priority: -5,
    });
  });

  test('reads a map entry without a value as the zero value', () => {
    const spec = [...bytesField(7, bytesField(1, 'disktype')), ...bytesField(32, bytesField(1, 'pods'))];
    const decoded = decodeKubernetesProtobuf(pod(spec)) as { spec: Json };
    assert.deepEqual(decoded.spec, { nodeSelector: { disktype: '' }, overhead: { pods: '0' } });
  });

  test('rejects managed fields whose fieldsV1 is not JSON', () => {
    const managed = bytesField(7, bytesField(1, '{not json'));
    const body = envelope('v1', 'Pod', bytesField(1, bytesField(17, managed)));
    assert.throws(() => decodeKubernetesProtobuf(body), /cannot decode Pod: fieldsV1 does not hold JSON/);
  });
});
