import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { defaultPod, imageTag } from '../../../src/api/pod-defaults.js';
import type { VolumeWithImage } from '../../../src/api/v1-additions.js';

function pod(containers: Container[], extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers, ...extra } };
}

const first = (p: Pod): Container => {
  const c = p.spec?.containers[0];
  assert.ok(c);
  return c;
};

describe('defaultPod', () => {
  test('fills the pod-level defaults kube-apiserver sets', () => {
    const spec = defaultPod(pod([{ name: 'c', image: 'nginx' }])).spec;
    assert.equal(spec?.restartPolicy, 'Always');
    assert.equal(spec?.dnsPolicy, 'ClusterFirst');
    assert.equal(spec?.terminationGracePeriodSeconds, 30);
    assert.equal(spec?.schedulerName, 'default-scheduler');
    assert.deepEqual(spec?.securityContext, {});
    assert.equal(spec?.enableServiceLinks, true);
  });

  test('puts a pod without a namespace in default', () => {
    assert.equal(defaultPod(pod([{ name: 'c', image: 'nginx' }])).metadata?.namespace, 'default');
  });

  test('keeps values that are already set', () => {
    const input = pod([{ name: 'c', image: 'nginx' }], {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
    });
    input.metadata = { name: 'p', namespace: 'team' };
    const out = defaultPod(input);
    assert.equal(out.spec?.restartPolicy, 'Never');
    assert.equal(out.spec?.terminationGracePeriodSeconds, 0);
    assert.equal(out.metadata?.namespace, 'team');
  });

  test('returns a new object and leaves its input untouched', () => {
    const input = pod([{ name: 'c', image: 'nginx' }]);
    const before = structuredClone(input);
    const out = defaultPod(input);
    assert.notEqual(out, input);
    assert.deepEqual(input, before);
  });

  test('defaults the container fields', () => {
    const c = first(defaultPod(pod([{ name: 'c', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }])));
    assert.equal(c.imagePullPolicy, 'IfNotPresent');
    assert.equal(c.terminationMessagePath, '/dev/termination-log');
    assert.equal(c.terminationMessagePolicy, 'File');
    assert.equal(c.ports?.[0]?.protocol, 'TCP');
  });

  test('pulls :latest and untagged images always', () => {
    for (const image of ['nginx', 'nginx:latest', 'registry.local:5000/team/app']) {
      assert.equal(first(defaultPod(pod([{ name: 'c', image }]))).imagePullPolicy, 'Always', image);
    }
  });

  test('pulls tagged, digest-only and unparsable images if not present', () => {
    const digest = `nginx@sha256:${'a'.repeat(64)}`;
    for (const image of ['nginx:1.25', digest, `nginx:latest-ish`, 'Nginx', '']) {
      assert.equal(first(defaultPod(pod([{ name: 'c', image }]))).imagePullPolicy, 'IfNotPresent', image);
    }
  });

  test('defaults init and ephemeral containers too', () => {
    const out = defaultPod(
      pod([{ name: 'c', image: 'nginx' }], {
        initContainers: [{ name: 'i', image: 'busybox:1' }],
        ephemeralContainers: [{ name: 'e', image: 'busybox' }],
      }),
    );
    assert.equal(out.spec?.initContainers?.[0]?.terminationMessagePolicy, 'File');
    assert.equal(out.spec?.ephemeralContainers?.[0]?.imagePullPolicy, 'Always');
  });

  test('defaults requests to limits for regular and init containers', () => {
    const resources = { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } };
    const out = defaultPod(
      pod([{ name: 'c', image: 'nginx', resources: structuredClone(resources) }], {
        initContainers: [{ name: 'i', image: 'nginx', resources: { limits: { cpu: '2' } } }],
      }),
    );
    assert.deepEqual(first(out).resources?.requests, { cpu: '500m', memory: '1Gi' });
    assert.deepEqual(out.spec?.initContainers?.[0]?.resources?.requests, { cpu: '2' });
  });

  test('defaults every probe and its HTTP action', () => {
    const probe = { httpGet: { port: 80 } };
    const c = first(
      defaultPod(
        pod([
          {
            name: 'c',
            image: 'nginx',
            livenessProbe: probe,
            readinessProbe: { exec: { command: ['true'] } },
          },
        ]),
      ),
    );
    assert.deepEqual(c.livenessProbe, {
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    assert.equal(c.readinessProbe?.failureThreshold, 3);
  });

  test('gives a gRPC probe an empty service name', () => {
    const c = first(defaultPod(pod([{ name: 'c', image: 'nginx', startupProbe: { grpc: { port: 9000 } } }])));
    assert.equal(c.startupProbe?.grpc?.service, '');
  });

  test('defaults lifecycle HTTP hooks', () => {
    const c = first(
      defaultPod(
        pod([
          { name: 'c', image: 'nginx', lifecycle: { preStop: { httpGet: { port: 80, path: '/stop' } } } },
        ]),
      ),
    );
    assert.deepEqual(c.lifecycle?.preStop?.httpGet, { port: 80, path: '/stop', scheme: 'HTTP' });
  });

  test('defaults fieldRef apiVersion in env', () => {
    const env = [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
    const c = first(defaultPod(pod([{ name: 'c', image: 'nginx', env }])));
    assert.equal(c.env?.[0]?.valueFrom?.fieldRef?.apiVersion, 'v1');
  });

  test('makes every container port a host port under host networking', () => {
    const out = defaultPod(
      pod([{ name: 'c', image: 'nginx', ports: [{ containerPort: 8080 }] }], { hostNetwork: true }),
    );
    assert.equal(first(out).ports?.[0]?.hostPort, 8080);
  });

  test('defaults volume sources', () => {
    const volumes: VolumeWithImage[] = [
      { name: 'none' },
      { name: 'cm', configMap: { name: 'cm' } },
      { name: 'sec', secret: { secretName: 's' } },
      { name: 'dapi', downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } },
      { name: 'host', hostPath: { path: '/tmp' } },
      { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } },
      { name: 'img', image: { reference: 'quay.io/x/y:latest' } },
    ];
    const out = defaultPod(pod([{ name: 'c', image: 'nginx' }], { volumes }));
    const byName = new Map((out.spec?.volumes ?? []).map((v) => [v.name, v as VolumeWithImage]));
    assert.deepEqual(byName.get('none')?.emptyDir, {});
    assert.equal(byName.get('cm')?.configMap?.defaultMode, 420);
    assert.equal(byName.get('sec')?.secret?.defaultMode, 420);
    assert.equal(byName.get('dapi')?.downwardAPI?.defaultMode, 420);
    assert.equal(byName.get('dapi')?.downwardAPI?.items?.[0]?.fieldRef?.apiVersion, 'v1');
    assert.equal(byName.get('host')?.hostPath?.type, '');
    assert.equal(byName.get('proj')?.projected?.defaultMode, 420);
    assert.equal(byName.get('proj')?.projected?.sources?.[0]?.serviceAccountToken?.expirationSeconds, 3600);
    assert.equal(byName.get('img')?.image?.pullPolicy, 'Always');
  });

  test('sets no identity fields', () => {
    const out = defaultPod(pod([{ name: 'c', image: 'nginx' }]));
    assert.equal(out.metadata?.uid, undefined);
    assert.equal(out.metadata?.creationTimestamp, undefined);
    assert.equal(out.status, undefined);
  });
});

describe('imageTag', () => {
  test('reads the tag after the last colon of the last path component', () => {
    assert.equal(imageTag('localhost:5000/app:v2'), 'v2');
    assert.equal(imageTag('localhost:5000/app'), 'latest');
  });

  test('keeps the tag of a tag-and-digest reference', () => {
    assert.equal(imageTag(`nginx:1.25@sha256:${'b'.repeat(64)}`), '1.25');
  });
});
