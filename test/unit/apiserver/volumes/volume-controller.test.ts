// The binder and the local provisioner over a real store and a temporary volumes directory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../../../../src/api/object.js';
import { strategyFor } from '../../../../src/apiserver/kinds/index.js';
import { ensureInitialNamespaces } from '../../../../src/apiserver/namespace-controller.js';
import { findResource } from '../../../../src/apiserver/resources.js';
import { createObject, deleteObject, type RestContext } from '../../../../src/apiserver/rest.js';
import { ensureDefaultStorageClass } from '../../../../src/apiserver/volumes/default-storage-class.js';
import { VolumeController } from '../../../../src/apiserver/volumes/volume-controller.js';
import { exists } from '../../../../src/util/fs.js';
import { silentLogger } from '../../../../src/util/log.js';
import { openTempStore, type TempStore } from '../../store/temp-store.js';

const NODE = 'node-a';

interface Fixture {
  temp: TempStore;
  volumesDir: string;
  dir: string;
  controller: VolumeController;
}

let f: Fixture;

beforeEach(() => {
  const temp = openTempStore();
  ensureInitialNamespaces(temp.store);
  ensureDefaultStorageClass(temp.store);
  const dir = mkdtempSync(join(tmpdir(), 'podlet-volumes-test-'));
  const volumesDir = join(dir, 'volumes');
  const controller = new VolumeController({
    store: temp.store,
    logger: silentLogger,
    nodeName: NODE,
    volumesDir,
  });
  controller.start();
  f = { temp, dir, volumesDir, controller };
});

afterEach(async () => {
  await f.controller.stop();
  f.temp.dispose();
  rmSync(f.dir, { recursive: true, force: true });
});

function ctx(): RestContext {
  return { store: f.temp.store, nodeName: NODE, user: 'admin', now: new Date() };
}

function target(group: string, resource: string, namespace: string, name: string) {
  const def = findResource(group, 'v1', resource);
  assert.ok(def);
  return { def, strategy: strategyFor(def.storageKey, def.kind, def.namespaced), namespace, name };
}

function create(group: string, resource: string, object: KubeObject): StoredObject {
  const ns = object.metadata?.namespace ?? '';
  const t = target(group, resource, ns, object.metadata?.name ?? '');
  return createObject(ctx(), t, structuredClone(object), { dryRun: false, fieldValidation: 'Strict' }).object;
}

function remove(group: string, resource: string, namespace: string, name: string): void {
  deleteObject(ctx(), target(group, resource, namespace, name), {}, false);
}

const claim = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
});

const storageClass = (name: string, extra: Record<string, unknown>): KubeObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name },
  provisioner: 'podlet.io/local',
  ...extra,
});

const get = (resource: string, namespace: string, name: string) =>
  f.temp.store.get(resource, namespace, name);
const claimOf = (name: string) =>
  get('persistentvolumeclaims', 'default', name) as unknown as PersistentVolumeClaim & StoredObject;
const volumeOf = (name: string) =>
  get('persistentvolumes', '', name) as unknown as (PersistentVolume & StoredObject) | undefined;

function eventsFor(name: string): { reason: string; message: string; type: string }[] {
  return f.temp.store
    .list('events', undefined)
    .items.filter((e) => (e['involvedObject'] as { name: string }).name === name) as never;
}

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the local provisioner and binder', () => {
  test('a claim without a class gets the default class local, a directory and a bound volume', async () => {
    const created = create('', 'persistentvolumeclaims', claim('data'));
    assert.equal((created['spec'] as { storageClassName: string }).storageClassName, 'local');
    await waitFor('the claim bound', () => claimOf('data').status?.phase === 'Bound');
    const pvc = claimOf('data');
    const pvName = `pvc-${pvc.metadata.uid}`;
    assert.equal(pvc.spec?.volumeName, pvName);
    assert.deepEqual(pvc.status, {
      phase: 'Bound',
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
    });
    assert.equal(pvc.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(pvc.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'podlet.io/local');
    const pv = volumeOf(pvName);
    assert.ok(pv);
    const path = join(f.volumesDir, pvName);
    assert.equal(pv.spec?.local?.path, path);
    assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0], {
      key: 'kubernetes.io/hostname',
      operator: 'In',
      values: [NODE],
    });
    assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Delete');
    assert.equal(pv.spec?.storageClassName, 'local');
    assert.equal(pv.spec?.claimRef?.uid, pvc.metadata.uid);
    assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'podlet.io/local');
    await waitFor('the volume bound', () => volumeOf(pvName)?.status?.phase === 'Bound');
    assert.equal((await stat(path)).mode & 0o777, 0o777);
    const succeeded = eventsFor('data').find((e) => e.reason === 'ProvisioningSucceeded');
    assert.equal(succeeded?.message, `Successfully provisioned volume ${pvName} using podlet.io/local`);
  });

  test('deleting the claim deletes a Delete volume and its directory', async () => {
    create('', 'persistentvolumeclaims', claim('gone'));
    await waitFor('the claim bound', () => claimOf('gone').status?.phase === 'Bound');
    const pvName = claimOf('gone').spec?.volumeName as string;
    remove('', 'persistentvolumeclaims', 'default', 'gone');
    await waitFor('the volume deleted', () => volumeOf(pvName) === undefined);
    assert.equal(await exists(join(f.volumesDir, pvName)), false);
  });

  test('a Retain class keeps the volume Released and its directory after the claim is deleted', async () => {
    create('storage.k8s.io', 'storageclasses', storageClass('keep', { reclaimPolicy: 'Retain' }));
    create('', 'persistentvolumeclaims', claim('kept', { storageClassName: 'keep' }));
    await waitFor('the claim bound', () => claimOf('kept').status?.phase === 'Bound');
    const pvName = claimOf('kept').spec?.volumeName as string;
    remove('', 'persistentvolumeclaims', 'default', 'kept');
    await waitFor('the volume released', () => volumeOf(pvName)?.status?.phase === 'Released');
    assert.equal(volumeOf(pvName)?.spec?.persistentVolumeReclaimPolicy, 'Retain');
    assert.equal(await exists(join(f.volumesDir, pvName)), true);
  });

  test('a class of another provisioner leaves the claim Pending with ExternalProvisioning', async () => {
    create('storage.k8s.io', 'storageclasses', storageClass('ext', { provisioner: 'example.com/nfs' }));
    create('', 'persistentvolumeclaims', claim('ext', { storageClassName: 'ext' }));
    await waitFor('the event', () => eventsFor('ext').some((e) => e.reason === 'ExternalProvisioning'));
    const pvc = claimOf('ext');
    assert.equal(pvc.status?.phase, 'Pending');
    assert.equal(
      pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-provisioner'],
      'example.com/nfs',
    );
    assert.match(eventsFor('ext')[0]?.message ?? '', /external provisioner 'example.com\/nfs' or manually/);
  });

  test('WaitForFirstConsumer provisions only once a pod names the claim', async () => {
    create(
      'storage.k8s.io',
      'storageclasses',
      storageClass('lazy', { volumeBindingMode: 'WaitForFirstConsumer' }),
    );
    create('', 'persistentvolumeclaims', claim('lazy', { storageClassName: 'lazy' }));
    await waitFor('the event', () => eventsFor('lazy').some((e) => e.reason === 'WaitForFirstConsumer'));
    assert.equal(claimOf('lazy').status?.phase, 'Pending');
    f.temp.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'user', namespace: 'default', uid: 'pod-uid' },
      spec: {
        nodeName: NODE,
        containers: [],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'lazy' } }],
      },
    });
    await waitFor('the claim bound', () => claimOf('lazy').status?.phase === 'Bound');
    assert.equal(claimOf('lazy').metadata.annotations?.['volume.kubernetes.io/selected-node'], NODE);
  });

  test('a claim with class "" binds to a matching static volume, or waits with FailedBinding', async () => {
    create('', 'persistentvolumeclaims', claim('static', { storageClassName: '' }));
    await waitFor('the event', () => eventsFor('static').some((e) => e.reason === 'FailedBinding'));
    create('', 'persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'manual' },
      spec: {
        capacity: { storage: '2Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: '/tmp/manual' },
      },
    });
    await waitFor('the claim bound', () => claimOf('static').status?.phase === 'Bound');
    assert.equal(claimOf('static').spec?.volumeName, 'manual');
    assert.equal(claimOf('static').status?.capacity?.['storage'], '2Gi');
    assert.equal(volumeOf('manual')?.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    remove('', 'persistentvolumeclaims', 'default', 'static');
    // A static volume's Retain policy: Released, never deleted.
    await waitFor('the volume released', () => volumeOf('manual')?.status?.phase === 'Released');
  });

  test('a claim naming a volume too small for it gets VolumeMismatch', async () => {
    create('', 'persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'tiny' },
      spec: { capacity: { storage: '1Mi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/tiny' } },
    });
    create('', 'persistentvolumeclaims', claim('wants-tiny', { storageClassName: '', volumeName: 'tiny' }));
    await waitFor('the event', () => eventsFor('wants-tiny').some((e) => e.reason === 'VolumeMismatch'));
    const event = eventsFor('wants-tiny').find((e) => e.reason === 'VolumeMismatch');
    assert.equal(event?.message, 'Cannot bind to requested volume "tiny": requested PV is too small');
    assert.equal(event?.type, 'Warning');
    assert.equal(claimOf('wants-tiny').status?.phase, 'Pending');
  });

  test('a claim whose access modes the provisioner cannot serve fails to provision', async () => {
    create('', 'persistentvolumeclaims', claim('shared', { accessModes: ['ReadWriteMany'] }));
    await waitFor('the event', () => eventsFor('shared').some((e) => e.reason === 'ProvisioningFailed'));
    assert.equal(
      eventsFor('shared')[0]?.message,
      'Failed to provision volume with StorageClass "local": invalid AccessModes [ReadWriteMany]: only AccessModes [ReadWriteOnce ReadWriteOncePod] are supported',
    );
  });

  test('a volume claiming to be provisioned here but naming another path is never removed', async () => {
    const outside = join(f.dir, 'outside');
    const uid = '00000000-0000-4000-8000-000000000000';
    const { mkdir } = await import('node:fs/promises');
    await mkdir(outside);
    create('', 'persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `pvc-${uid}`, annotations: { 'pv.kubernetes.io/provisioned-by': 'podlet.io/local' } },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'local',
        claimRef: { namespace: 'default', name: 'ghost', uid },
        local: { path: outside },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [NODE] }] },
            ],
          },
        },
      },
    });
    await waitFor('the volume failed', () => volumeOf(`pvc-${uid}`)?.status?.phase === 'Failed');
    assert.equal(await exists(outside), true);
    assert.ok(eventsFor(`pvc-${uid}`).some((e) => e.reason === 'VolumeFailedDelete'));
  });
});

describe('the default class at first start', () => {
  test('is not created again once the cluster has classes', () => {
    remove('storage.k8s.io', 'storageclasses', '', 'local');
    create('storage.k8s.io', 'storageclasses', storageClass('mine', {}));
    ensureDefaultStorageClass(f.temp.store);
    assert.equal(get('storageclasses.storage.k8s.io', '', 'local'), undefined);
  });
});
