import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { printTable } from '../../../../src/apiserver/printers/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
const meta = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  creationTimestamp: ago(3 * 3600 + 20 * 60),
  ...extra,
});

/** Column headers as kubectl shows them, `*` marking priority>0 (wide-only) columns. */
function headers(resource: string): string {
  const table = printTable(resource, [], { now: NOW, includeObject: 'None' });
  return table.columnDefinitions.map((c) => `${c.name}${c.priority > 0 ? '*' : ''}`).join(' | ');
}

function cells(resource: string, object: KubeObject): unknown[] {
  const table = printTable(resource, [object], { now: NOW, includeObject: 'None' });
  assert.equal(table.rows.length, 1);
  const row = table.rows[0]?.cells ?? [];
  assert.equal(row.length, table.columnDefinitions.length, 'one cell per column');
  return row;
}

describe('column definitions match upstream', () => {
  const cases: [string, string][] = [
    ['pods', 'Name | Ready | Status | Restarts | Age | IP* | Node* | Nominated Node* | Readiness Gates*'],
    [
      'nodes',
      'Name | Status | Roles | Age | Version | Internal-IP* | External-IP* | OS-Image* | Kernel-Version* | Container-Runtime*',
    ],
    [
      'events',
      'Last Seen | Type | Reason | Object | Subobject* | Source* | Message | First Seen* | Count* | Name*',
    ],
    [
      'events.events.k8s.io',
      'Last Seen | Type | Reason | Object | Subobject* | Source* | Message | First Seen* | Count* | Name*',
    ],
    ['namespaces', 'Name | Status | Age'],
    ['configmaps', 'Name | Data | Age'],
    ['secrets', 'Name | Type | Data | Age'],
    ['serviceaccounts', 'Name | Secrets | Age'],
    ['services', 'Name | Type | Cluster-IP | External-IP | Port(s) | Age | Selector*'],
    [
      'persistentvolumes',
      'Name | Capacity | Access Modes | Reclaim Policy | Status | Claim | StorageClass | VolumeAttributesClass | Reason | Age | VolumeMode*',
    ],
    [
      'persistentvolumeclaims',
      'Name | Status | Volume | Capacity | Access Modes | StorageClass | VolumeAttributesClass | Age | VolumeMode*',
    ],
    [
      'storageclasses.storage.k8s.io',
      'Name | Provisioner | ReclaimPolicy | VolumeBindingMode | AllowVolumeExpansion | Age',
    ],
    ['leases.coordination.k8s.io', 'Name | Holder | Age'],
    ['deployments.apps', 'Name | Created At'],
  ];
  for (const [resource, expected] of cases) {
    test(`${resource} has the upstream columns`, () => {
      assert.equal(headers(resource), expected);
    });
  }

  test('every column has a description, a type and a format field', () => {
    for (const [resource] of cases) {
      for (const c of printTable(resource, [], { now: NOW, includeObject: 'None' }).columnDefinitions) {
        assert.ok(c.description.length > 0, `${resource} ${c.name}`);
        assert.equal(typeof c.format, 'string');
        assert.ok(['string', 'date'].includes(c.type), `${resource} ${c.name} ${c.type}`);
      }
    }
  });

  test('the name columns carry format "name"', () => {
    const pods = printTable('pods', [], { now: NOW, includeObject: 'None' }).columnDefinitions;
    assert.equal(pods[0]?.format, 'name');
    const events = printTable('events', [], { now: NOW, includeObject: 'None' }).columnDefinitions;
    assert.deepEqual(
      events.filter((c) => c.format === 'name').map((c) => c.name),
      ['Name'],
    );
  });
});

describe('pod rows', () => {
  test('print IP, node, nominated node and readiness gates', () => {
    const pod = {
      metadata: meta('web'),
      spec: {
        nodeName: 'node1',
        containers: [{ name: 'app', image: 'nginx' }],
        readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }],
      },
      status: {
        phase: 'Running',
        podIP: '10.0.0.5',
        podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }],
        conditions: [
          { type: 'example.com/a', status: 'True' },
          { type: 'example.com/b', status: 'False' },
        ],
        containerStatuses: [],
      },
    };
    assert.deepEqual(cells('pods', pod), [
      'web',
      '0/1',
      'Running',
      '0',
      '3h20m',
      '10.0.0.5',
      'node1',
      '<none>',
      '1/2',
    ]);
  });

  test('print <none> for a pod not yet scheduled and fall back to podIP', () => {
    const pod = {
      metadata: meta('p'),
      spec: { containers: [{ name: 'c', image: 'i' }] },
      status: { phase: 'Pending' },
    };
    assert.deepEqual(cells('pods', pod).slice(5), ['<none>', '<none>', '<none>', '<none>']);
    const withIP = { ...pod, status: { phase: 'Running', podIP: '10.1.1.1', nominatedNodeName: 'n2' } };
    assert.deepEqual(cells('pods', withIP).slice(5, 8), ['10.1.1.1', '<none>', 'n2']);
  });

  test('mark finished pods with a Completed row condition', () => {
    const pod = { metadata: meta('done'), spec: { containers: [] }, status: { phase: 'Succeeded' } };
    const row = printTable('pods', [pod], { now: NOW, includeObject: 'None' }).rows[0];
    assert.deepEqual(row?.conditions, [
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ]);
    const running = { ...pod, status: { phase: 'Running' } };
    assert.equal(
      printTable('pods', [running], { now: NOW, includeObject: 'None' }).rows[0]?.conditions,
      undefined,
    );
  });
});

describe('node rows', () => {
  const node = (extra: Record<string, unknown>, labels: Record<string, string> = {}) => ({
    metadata: meta('node1', { labels }),
    ...extra,
  });

  test('print status, roles, version and the wide node details', () => {
    const n = node(
      {
        spec: { unschedulable: true },
        status: {
          conditions: [
            { type: 'MemoryPressure', status: 'False' },
            { type: 'Ready', status: 'True' },
          ],
          addresses: [
            { type: 'Hostname', address: 'node1' },
            { type: 'InternalIP', address: '192.168.1.10' },
          ],
          nodeInfo: {
            kubeletVersion: 'v1.33.0',
            osImage: 'Debian GNU/Linux 12 (bookworm)',
            kernelVersion: '6.1.0-18-amd64',
            containerRuntimeVersion: 'podlet://0.1.0',
          },
        },
      },
      {
        'node-role.kubernetes.io/worker': '',
        'node-role.kubernetes.io/control-plane': '',
        'kubernetes.io/role': 'edge',
      },
    );
    assert.deepEqual(cells('nodes', n), [
      'node1',
      'Ready,SchedulingDisabled',
      'control-plane,edge,worker',
      '3h20m',
      'v1.33.0',
      '192.168.1.10',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.1.0-18-amd64',
      'podlet://0.1.0',
    ]);
  });

  test('print NotReady, Unknown and the placeholders of a bare node', () => {
    const notReady = node({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
    assert.equal(cells('nodes', notReady)[1], 'NotReady');
    assert.deepEqual(cells('nodes', node({})), [
      'node1',
      'Unknown',
      '<none>',
      '3h20m',
      '',
      '<none>',
      '<none>',
      '<unknown>',
      '<unknown>',
      '<unknown>',
    ]);
  });
});

describe('event rows', () => {
  test('print a core event with wide details', () => {
    const event = {
      metadata: meta('web.17c'),
      involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{app}' },
      type: 'Normal',
      reason: 'Pulled',
      message: ' Successfully pulled image "nginx"\n',
      source: { component: 'kubelet', host: 'node1' },
      firstTimestamp: ago(300),
      lastTimestamp: ago(20),
      count: 3,
    };
    assert.deepEqual(cells('events', event), [
      '20s',
      'Normal',
      'Pulled',
      'pod/web',
      'spec.containers{app}',
      'kubelet, node1',
      'Successfully pulled image "nginx"',
      '5m',
      3,
      'web.17c',
    ]);
  });

  test('print a singleton new-style event from eventTime (truncated to whole seconds) with count 1', () => {
    const event = {
      metadata: meta('e1'),
      involvedObject: { kind: 'Node' },
      eventTime: '2024-05-01T11:59:00.123456Z',
      reportingComponent: 'podlet',
      type: 'Warning',
      reason: 'Rebooted',
    };
    assert.deepEqual(cells('events', event), [
      '59s',
      'Warning',
      'Rebooted',
      'node',
      '',
      'podlet',
      '',
      '59s',
      1,
      'e1',
    ]);
  });

  test('print a series from its last observation and count', () => {
    const event = {
      metadata: meta('e2'),
      involvedObject: { kind: 'Pod', name: 'p' },
      eventTime: ago(3600),
      series: { count: 7, lastObservedTime: ago(90) },
    };
    const row = cells('events', event);
    assert.equal(row[0], '90s');
    assert.equal(row[7], '60m');
    assert.equal(row[8], 7);
  });

  test('print an event without any time as <unknown>', () => {
    const row = cells('events', { metadata: meta('e3'), involvedObject: { kind: 'Pod', name: 'p' } });
    assert.equal(row[0], '<unknown>');
    assert.equal(row[7], '<unknown>');
  });

  test('print events.k8s.io/v1 events by their new field names', () => {
    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: meta('e4'),
      regarding: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{app}' },
      note: 'Started container app',
      reason: 'Started',
      type: 'Normal',
      eventTime: ago(30),
      reportingController: 'kubelet',
      reportingInstance: 'node1',
      deprecatedCount: 2,
      deprecatedFirstTimestamp: ago(200),
      deprecatedLastTimestamp: ago(10),
    };
    const expected = [
      '10s',
      'Normal',
      'Started',
      'pod/web',
      'spec.containers{app}',
      'kubelet, node1',
      'Started container app',
      '3m20s',
      2,
      'e4',
    ];
    assert.deepEqual(cells('events.events.k8s.io', event), expected);
    assert.deepEqual(cells('events', event), expected);
  });
});

describe('core object rows', () => {
  const cases: [string, string, KubeObject, unknown[]][] = [
    [
      'namespaces',
      'print the phase',
      { metadata: meta('dev'), status: { phase: 'Active' } },
      ['dev', 'Active', '3h20m'],
    ],
    [
      'configmaps',
      'count data and binaryData keys',
      { metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } },
      ['cfg', 3, '3h20m'],
    ],
    ['configmaps', 'count zero keys of an empty map', { metadata: meta('empty') }, ['empty', 0, '3h20m']],
    [
      'secrets',
      'print the type and count data keys',
      { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } },
      ['tls', 'kubernetes.io/tls', 2, '3h20m'],
    ],
    [
      'serviceaccounts',
      'count the listed secrets',
      { metadata: meta('default'), secrets: [{ name: 'tok' }] },
      ['default', 1, '3h20m'],
    ],
    [
      'leases.coordination.k8s.io',
      'print the holder',
      { metadata: meta('node1'), spec: { holderIdentity: 'node1' } },
      ['node1', 'node1', '3h20m'],
    ],
    [
      'leases.coordination.k8s.io',
      'print an empty holder',
      { metadata: meta('free'), spec: {} },
      ['free', '', '3h20m'],
    ],
    [
      'namespaces',
      'print <unknown> for an object without creationTimestamp',
      { metadata: { name: 'x' }, status: { phase: 'Terminating' } },
      ['x', 'Terminating', '<unknown>'],
    ],
  ];
  for (const [resource, what, object, expected] of cases) {
    test(`${resource} rows ${what}`, () => {
      assert.deepEqual(cells(resource, object), expected);
    });
  }
});

describe('service rows', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({
    metadata: meta('web'),
    spec,
    status,
  });
  const cases: [string, KubeObject, unknown[]][] = [
    [
      'a ClusterIP service with a selector',
      svc({
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
        selector: { 'k8s-app': 'dns', app: 'x' },
      }),
      ['web', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '3h20m', 'app=x,k8s-app=dns'],
    ],
    [
      'a headless service without ports or selector',
      svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }),
      ['web', 'ClusterIP', 'None', '<none>', '<none>', '3h20m', '<none>'],
    ],
    [
      'a NodePort service with external IPs',
      svc({
        type: 'NodePort',
        clusterIPs: ['10.96.1.1'],
        externalIPs: ['1.2.3.4', '5.6.7.8'],
        ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
      }),
      ['web', 'NodePort', '10.96.1.1', '1.2.3.4,5.6.7.8', '80:30080/TCP', '3h20m', '<none>'],
    ],
    [
      'a LoadBalancer still waiting for an address',
      svc({
        type: 'LoadBalancer',
        clusterIPs: ['10.96.1.2'],
        ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }],
      }),
      ['web', 'LoadBalancer', '10.96.1.2', '<pending>', '443:31443/TCP', '3h20m', '<none>'],
    ],
    [
      'a LoadBalancer with ingress addresses, unclipped',
      svc(
        { type: 'LoadBalancer', clusterIPs: ['10.96.1.3'], externalIPs: ['9.9.9.9'] },
        { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }, { ip: '203.0.113.7' }] } },
      ),
      ['web', 'LoadBalancer', '10.96.1.3', '203.0.113.7,lb.example.com,9.9.9.9', '<none>', '3h20m', '<none>'],
    ],
    [
      'an ExternalName service',
      svc({ type: 'ExternalName', externalName: 'db.example.com' }),
      ['web', 'ExternalName', '<none>', 'db.example.com', '<none>', '3h20m', '<none>'],
    ],
  ];
  for (const [what, object, expected] of cases) {
    test(`print ${what}`, () => {
      assert.deepEqual(cells('services', object), expected);
    });
  }
});

describe('storage rows', () => {
  test('print a bound persistent volume', () => {
    const pv = {
      metadata: meta('pv1'),
      spec: {
        capacity: { storage: '1024Mi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        claimRef: { namespace: 'default', name: 'data' },
        storageClassName: 'local',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    };
    assert.deepEqual(cells('persistentvolumes', pv), [
      'pv1',
      '1Gi',
      'RWO,RWX',
      'Retain',
      'Bound',
      'default/data',
      'local',
      '<unset>',
      '',
      '3h20m',
      'Filesystem',
    ]);
  });

  test('print a persistent volume being deleted, with the beta class annotation', () => {
    const pv = {
      metadata: meta('pv2', {
        deletionTimestamp: ago(1),
        annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' },
      }),
      spec: { storageClassName: 'new', volumeAttributesClassName: 'gold' },
      status: { phase: 'Released', reason: 'Oops' },
    };
    assert.deepEqual(cells('persistentvolumes', pv), [
      'pv2',
      '0',
      '',
      '',
      'Terminating',
      '',
      'old',
      'gold',
      'Oops',
      '3h20m',
      '<unset>',
    ]);
  });

  test('print a bound claim with the volume capacity and modes', () => {
    const pvc = {
      metadata: meta('data'),
      spec: { volumeName: 'pv1', storageClassName: 'local', resources: { requests: { storage: '500Mi' } } },
      status: {
        phase: 'Bound',
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'],
      },
    };
    assert.deepEqual(cells('persistentvolumeclaims', pvc), [
      'data',
      'Bound',
      'pv1',
      '1Gi',
      'ROX,RWOP',
      'local',
      '<unset>',
      '3h20m',
      '<unset>',
    ]);
  });

  test('print a pending claim without capacity or modes', () => {
    const pvc = {
      metadata: meta('wait'),
      spec: {
        accessModes: ['ReadWriteOnce'],
        volumeMode: 'Block',
        resources: { requests: { storage: '1Gi' } },
      },
      status: { phase: 'Pending' },
    };
    assert.deepEqual(cells('persistentvolumeclaims', pvc), [
      'wait',
      'Pending',
      '',
      '',
      '',
      '',
      '<unset>',
      '3h20m',
      'Block',
    ]);
  });

  test('print a default storage class with its defaults filled in', () => {
    const sc = {
      metadata: meta('standard', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
      provisioner: 'rancher.io/local-path',
    };
    assert.deepEqual(cells('storageclasses.storage.k8s.io', sc), [
      'standard (default)',
      'rancher.io/local-path',
      'Delete',
      'Immediate',
      false,
      '3h20m',
    ]);
  });

  test('print a storage class with explicit policies', () => {
    const sc = {
      metadata: meta('fast', {
        annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'false' },
      }),
      provisioner: 'example.com/ssd',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    };
    assert.deepEqual(cells('storageclasses.storage.k8s.io', sc), [
      'fast',
      'example.com/ssd',
      'Retain',
      'WaitForFirstConsumer',
      true,
      '3h20m',
    ]);
  });
});
