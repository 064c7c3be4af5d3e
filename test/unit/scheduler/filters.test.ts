import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { toleratesTaint } from '../../../src/api/tolerations.js';
import { runFilters } from '../../../src/scheduler/filters.js';
import { matchesRequirement } from '../../../src/scheduler/node-affinity.js';

function node(
  overrides: {
    labels?: Record<string, string>;
    spec?: Node['spec'];
    allocatable?: Record<string, string>;
  } = {},
): Node {
  return {
    metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1', ...overrides.labels } },
    spec: overrides.spec ?? {},
    status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110', ...overrides.allocatable } },
  };
}

function pod(spec: Partial<Pod['spec']> = {}, requests?: Record<string, string>, name = 'p'): Pod {
  return {
    metadata: { name, namespace: 'default', uid: name },
    spec: {
      containers: [{ name: 'c', image: 'busybox', ...(requests ? { resources: { requests } } : {}) }],
      ...spec,
    },
  };
}

describe('scheduler filters', () => {
  test('a plain pod fits an empty node', () => {
    assert.equal(runFilters(pod(), { node: node(), pods: [] }), undefined);
  });

  test('a nodeSelector the node lacks fails NodeAffinity, unresolvable', () => {
    const failure = runFilters(pod({ nodeSelector: { disk: 'ssd' } }), { node: node(), pods: [] });
    assert.deepEqual(failure, {
      code: 'UnschedulableAndUnresolvable',
      plugin: 'NodeAffinity',
      reasons: ["node(s) didn't match Pod's node affinity/selector"],
    });
    assert.equal(
      runFilters(pod({ nodeSelector: { disk: 'ssd' } }), {
        node: node({ labels: { disk: 'ssd' } }),
        pods: [],
      }),
      undefined,
    );
  });

  test('required node affinity ORs its terms and ANDs each term', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'zone', operator: 'In', values: ['a'] },
                { key: 'gpu', operator: 'Exists' },
              ],
            },
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
          ],
        },
      },
    };
    assert.equal(runFilters(pod({ affinity }), { node: node(), pods: [] }), undefined);
    const other = structuredClone(affinity);
    other.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[1]!.matchFields![0]!.values =
      ['n2'];
    assert.equal(runFilters(pod({ affinity: other }), { node: node(), pods: [] })?.plugin, 'NodeAffinity');
    assert.equal(
      runFilters(pod({ affinity: other }), { node: node({ labels: { zone: 'a', gpu: '' } }), pods: [] }),
      undefined,
    );
  });

  test('Gt and Lt compare integers and fail on a label that is not one', () => {
    assert.equal(matchesRequirement({ key: 'n', operator: 'Gt', values: ['3'] }, { n: '4' }), true);
    assert.equal(matchesRequirement({ key: 'n', operator: 'Gt', values: ['3'] }, { n: '3' }), false);
    assert.equal(matchesRequirement({ key: 'n', operator: 'Lt', values: ['3'] }, { n: 'x' }), false);
    assert.equal(matchesRequirement({ key: 'n', operator: 'NotIn', values: ['3'] }, {}), true);
    assert.equal(matchesRequirement({ key: 'n', operator: 'DoesNotExist' }, { n: '1' }), false);
  });

  test('an untolerated NoSchedule taint is named with its key and value', () => {
    const tainted = node({ spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } });
    assert.deepEqual(runFilters(pod(), { node: tainted, pods: [] })?.reasons, [
      'node(s) had untolerated taint {dedicated: gpu}',
    ]);
    const tolerating = pod({
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
    });
    assert.equal(runFilters(tolerating, { node: tainted, pods: [] }), undefined);
  });

  test('PreferNoSchedule taints never block placement', () => {
    const soft = node({ spec: { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] } });
    assert.equal(runFilters(pod(), { node: soft, pods: [] }), undefined);
  });

  test('tolerations match as Toleration.ToleratesTaint does', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoExecute' };
    assert.equal(toleratesTaint({ operator: 'Exists' }, taint), true);
    assert.equal(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, taint), false);
    assert.equal(toleratesTaint({ key: 'k', value: 'w' }, taint), false);
    assert.equal(toleratesTaint({ key: 'k', value: 'v' }, taint), true);
  });

  test('a cordoned node refuses pods unless they tolerate the unschedulable taint', () => {
    const cordoned = node({ spec: { unschedulable: true } });
    assert.deepEqual(runFilters(pod(), { node: cordoned, pods: [] })?.reasons, [
      'node(s) were unschedulable',
    ]);
    const tolerating = pod({
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
    });
    assert.equal(runFilters(tolerating, { node: cordoned, pods: [] }), undefined);
  });

  test('resource fit lists every short resource, extended resources and overhead included', () => {
    const running = pod({}, { cpu: '1500m', memory: '1Gi', 'example.com/dongle': '1' }, 'running');
    const big = pod(
      { overhead: { memory: '1Gi' } },
      { cpu: '1', memory: '2500Mi', 'example.com/dongle': '2' },
    );
    const withDongles = node({ allocatable: { 'example.com/dongle': '2' } });
    assert.deepEqual(runFilters(big, { node: withDongles, pods: [running] }), {
      code: 'Unschedulable',
      plugin: 'NodeResourcesFit',
      reasons: ['Insufficient cpu', 'Insufficient memory', 'Insufficient example.com/dongle'],
    });
    const one = pod({}, { 'example.com/dongle': '1' });
    assert.equal(runFilters(one, { node: withDongles, pods: [running] }), undefined);
    assert.deepEqual(runFilters(one, { node: node(), pods: [] })?.reasons, [
      'Insufficient example.com/dongle',
    ]);
  });

  test('a full node reports Too many pods', () => {
    const tiny = node({ allocatable: { pods: '1' } });
    assert.deepEqual(runFilters(pod(), { node: tiny, pods: [pod({}, undefined, 'other')] })?.reasons, [
      'Too many pods',
    ]);
  });

  test('a host port taken on an overlapping address fails NodePorts', () => {
    const withPort = (hostIP?: string, name = 'p') =>
      pod(
        {
          containers: [
            {
              name: 'c',
              image: 'i',
              ports: [{ containerPort: 80, hostPort: 8080, ...(hostIP ? { hostIP } : {}) }],
            },
          ],
        },
        undefined,
        name,
      );
    const info = { node: node(), pods: [withPort('127.0.0.1', 'used')] };
    assert.deepEqual(runFilters(withPort(), info)?.reasons, [
      "node(s) didn't have free ports for the requested pod ports",
    ]);
    assert.equal(runFilters(withPort('127.0.0.2'), info), undefined);
  });

  test('the first failing plugin decides: a taint hides a resource shortage', () => {
    const tainted = node({
      spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] },
      allocatable: { cpu: '1' },
    });
    assert.equal(runFilters(pod({}, { cpu: '2' }), { node: tainted, pods: [] })?.plugin, 'TaintToleration');
  });
});
