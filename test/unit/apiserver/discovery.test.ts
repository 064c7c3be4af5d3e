import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  legacyApiGroupList,
  legacyApiResourceList,
  legacyApiVersions,
  negotiateDiscovery,
  versionInfo,
} from '../../../src/apiserver/discovery.js';
import { findResource, resources } from '../../../src/apiserver/resources.js';

const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('negotiateDiscovery', () => {
  test("answers kubectl's Accept with aggregated discovery v2", () => {
    assert.equal(negotiateDiscovery(KUBECTL_ACCEPT), 'v2');
  });

  test('answers a client that asks only for v2beta1 with v2beta1', () => {
    assert.equal(
      negotiateDiscovery(
        'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
      ),
      'v2beta1',
    );
  });

  test('answers plain JSON, a wildcard or no Accept header with legacy discovery', () => {
    assert.equal(negotiateDiscovery('application/json, */*'), 'legacy');
    assert.equal(negotiateDiscovery('*/*'), 'legacy');
    assert.equal(negotiateDiscovery(undefined), 'legacy');
  });

  test('honours q values over the order of the list', () => {
    assert.equal(
      negotiateDiscovery(
        'application/json;q=0.9,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      ),
      'v2',
    );
    assert.equal(
      negotiateDiscovery(
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,application/json',
      ),
      'legacy',
    );
  });

  test('refuses a client that accepts only forms podlet does not write', () => {
    assert.equal(negotiateDiscovery('application/vnd.kubernetes.protobuf'), 'not-acceptable');
    assert.equal(
      negotiateDiscovery(
        'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      ),
      'not-acceptable',
    );
  });
});

describe('aggregated discovery', () => {
  test('names the content type kubectl checks for', () => {
    assert.equal(
      aggregatedContentType('v2'),
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
  });

  test('/api holds only the core group, with short names, categories and subresources', () => {
    const doc = aggregatedDiscovery('api', 'v2');
    assert.equal(doc.apiVersion, 'apidiscovery.k8s.io/v2');
    assert.deepEqual(
      doc.items.map((i) => i.metadata.name),
      [''],
    );
    const pods = doc.items[0]?.versions[0]?.resources.find((r) => r.resource === 'pods');
    assert.equal(pods?.scope, 'Namespaced');
    assert.deepEqual(pods?.shortNames, ['po']);
    assert.deepEqual(pods?.categories, ['all']);
    assert.deepEqual(
      pods?.subresources?.find((s) => s.subresource === 'eviction'),
      {
        subresource: 'eviction',
        responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
        verbs: ['create'],
      },
    );
    const nodes = doc.items[0]?.versions[0]?.resources.find((r) => r.resource === 'nodes');
    assert.equal(nodes?.scope, 'Cluster');
  });

  test('/apis lists the named groups in kube-apiserver order with metrics last', () => {
    const doc = aggregatedDiscovery('apis', 'v2beta1');
    assert.equal(doc.apiVersion, 'apidiscovery.k8s.io/v2beta1');
    assert.deepEqual(
      doc.items.map((i) => i.metadata.name),
      [
        'events.k8s.io',
        'authentication.k8s.io',
        'authorization.k8s.io',
        'storage.k8s.io',
        'scheduling.k8s.io',
        'coordination.k8s.io',
        'discovery.k8s.io',
        'metrics.k8s.io',
      ],
    );
    const metrics = doc.items.at(-1)?.versions[0];
    assert.equal(metrics?.version, 'v1beta1');
    assert.deepEqual(
      metrics?.resources.map((r) => [r.resource, r.responseKind.kind, r.verbs.join(',')]),
      [
        ['nodes', 'NodeMetrics', 'get,list'],
        ['pods', 'PodMetrics', 'get,list'],
      ],
    );
  });

  test('omits empty short names, categories and subresources', () => {
    const secrets = aggregatedDiscovery('api', 'v2').items[0]?.versions[0]?.resources.find(
      (r) => r.resource === 'secrets',
    );
    assert.deepEqual(Object.keys(secrets ?? {}).sort(), [
      'resource',
      'responseKind',
      'scope',
      'singularResource',
      'verbs',
    ]);
  });
});

describe('legacy discovery', () => {
  test('/api/v1 lists subresources as resource/subresource, eviction with its own group', () => {
    const list = legacyApiResourceList('', 'v1');
    assert.equal(list?.groupVersion, 'v1');
    const byName = new Map(list?.resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.get('pods/log'), {
      name: 'pods/log',
      singularName: '',
      namespaced: true,
      kind: 'Pod',
      verbs: ['get'],
    });
    assert.equal(byName.get('pods/eviction')?.group, 'policy');
    assert.equal(byName.get('pods/eviction')?.version, 'v1');
    assert.deepEqual(byName.get('namespaces/finalize')?.verbs, ['update']);
    assert.equal(byName.get('pods')?.singularName, 'pod');
  });

  test('/apis/G/V is qualified by its group and absent for a group-version podlet does not serve', () => {
    assert.equal(legacyApiResourceList('storage.k8s.io', 'v1')?.groupVersion, 'storage.k8s.io/v1');
    assert.equal(legacyApiResourceList('apps', 'v1'), undefined);
    assert.equal(legacyApiResourceList('', 'v2'), undefined);
  });

  test('/apis names each group once with its preferred version', () => {
    const events = legacyApiGroupList().groups.find((g) => g.name === 'events.k8s.io');
    assert.deepEqual(events, {
      name: 'events.k8s.io',
      versions: [{ groupVersion: 'events.k8s.io/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'events.k8s.io/v1', version: 'v1' },
    });
    assert.equal(
      legacyApiGroupList().groups.length,
      new Set(resources.filter((r) => r.group !== '').map((r) => r.group)).size,
    );
  });

  test('/api reports the core version and the address clients reach the server at', () => {
    assert.deepEqual(legacyApiVersions('127.0.0.1:6443'), {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    });
  });
});

describe('versionInfo', () => {
  test('reports Kubernetes v1.33.0 on the Go name of the architecture', () => {
    const info = versionInfo({ arch: 'x64' });
    assert.equal(info.gitVersion, 'v1.33.0');
    assert.equal(info.major, '1');
    assert.equal(info.minor, '33');
    assert.equal(info.platform, 'linux/amd64');
    assert.equal(versionInfo({ arch: 'arm64' }).platform, 'linux/arm64');
  });
});

describe('resource table', () => {
  test('finds a resource by group, version and plural', () => {
    assert.equal(findResource('', 'v1', 'pods')?.kind, 'Pod');
    assert.equal(findResource('events.k8s.io', 'v1', 'events')?.storageKey, 'events');
    assert.equal(findResource('', 'v1', 'deployments'), undefined);
  });

  test('gives every resource its own storage key except the two versions of events', () => {
    const keys = resources.filter((r) => r.group !== 'metrics.k8s.io').map((r) => r.storageKey);
    const shared = keys.filter((k, i) => keys.indexOf(k) !== i);
    assert.deepEqual(shared, ['events']);
  });

  test('uses a short name for one kind only', () => {
    const owner = new Map<string, string>();
    for (const r of resources)
      for (const s of r.shortNames) {
        assert.ok(owner.get(s) === undefined || owner.get(s) === r.kind, `short name ${s}`);
        owner.set(s, r.kind);
      }
  });
});
