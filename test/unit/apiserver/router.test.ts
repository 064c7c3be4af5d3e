import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResourcePath } from '../../../src/apiserver/router.js';

const parse = (method: string, url: string) => {
  const u = new URL(url, 'https://x');
  return parseResourcePath(method, u.pathname, u.searchParams);
};

test('paths map to resource, namespace, name, subresource and verb as requestinfo.go does', () => {
  assert.deepEqual(parse('GET', '/api/v1/namespaces/default/pods'), {
    verb: 'list',
    group: '',
    version: 'v1',
    namespace: 'default',
    resource: 'pods',
    name: '',
    subresource: '',
  });
  assert.deepEqual(parse('GET', '/api/v1/namespaces/default/pods?watch=true')?.verb, 'watch');
  assert.deepEqual(parse('GET', '/api/v1/namespaces/team'), {
    verb: 'get',
    group: '',
    version: 'v1',
    namespace: '',
    resource: 'namespaces',
    name: 'team',
    subresource: '',
  });
  assert.deepEqual(parse('PUT', '/api/v1/namespaces/team/finalize')?.subresource, 'finalize');
  assert.deepEqual(parse('POST', '/api/v1/namespaces/d/pods/p/eviction')?.verb, 'create');
  assert.deepEqual(parse('GET', '/api/v1/namespaces/d/pods/p/exec?command=sh')?.verb, 'connect');
  assert.deepEqual(parse('DELETE', '/api/v1/namespaces/d/configmaps')?.verb, 'deletecollection');
  assert.deepEqual(
    parse('PATCH', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n')?.group,
    'coordination.k8s.io',
  );
  assert.equal(parse('GET', '/api/v1/nodes')?.namespace, '');
});

test('paths that name no resource, or a verb the path cannot take, are not resource requests', () => {
  assert.equal(parse('GET', '/api'), undefined);
  assert.equal(parse('GET', '/healthz'), undefined);
  assert.equal(parse('POST', '/api/v1/namespaces/d/pods/p'), undefined);
  assert.equal(parse('PUT', '/api/v1/namespaces/d/pods'), undefined);
  assert.equal(parse('GET', '/api/v1/namespaces/d/pods/p/log/extra'), undefined);
});
