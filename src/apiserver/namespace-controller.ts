// What kube-controller-manager does for namespaces, in-process: the four namespaces of a new cluster, a `default`
// ServiceAccount and the `kube-root-ca.crt` ConfigMap in each namespace, and deleting a namespace's content before
// the namespace itself.
import type { KubeObject } from '../api/object.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import type { Logger } from '../util/log.js';
import { fillCreateMeta } from './object-meta.js';
import { strategyFor } from './kinds/index.js';
import { ROOT_CA_CONFIG_MAP } from './kinds/service-account-admission.js';
import { resources } from './resources.js';
import { deleteObject } from './rest.js';

// pkg/controller/certificates/rootcacertpublisher/publisher.go: the annotation on every copy of the CA.
const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the ' +
  'internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of ' +
  'Kubernetes clusters.';

export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function ensureInitialNamespaces(store: ObjectStore, now = new Date()): void {
  for (const name of INITIAL_NAMESPACES) {
    if (store.get('namespaces', '', name)) continue;
    const ns: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    };
    fillCreateMeta(ns, now);
    ns.spec = { finalizers: ['kubernetes'] };
    ns.status = { phase: 'Active' };
    store.create('namespaces', ns);
  }
}

export class NamespaceController {
  private readonly abort = new AbortController();

  constructor(
    private readonly store: ObjectStore,
    private readonly logger: Logger,
    /** PEM of the cluster CA, published in every namespace as `kube-root-ca.crt` (key `ca.crt`). */
    private readonly rootCaCert: string,
  ) {}

  start(): void {
    this.store.watch({ resource: 'namespaces', signal: this.abort.signal }, (e) => this.onNamespace(e));
    // The root CA publisher puts back a copy that was deleted or edited.
    this.store.watch(
      {
        resource: 'configmaps',
        resourceVersion: String(this.store.resourceVersion()),
        signal: this.abort.signal,
      },
      (e) => {
        if (e.object.metadata.name !== ROOT_CA_CONFIG_MAP || e.type === 'ADDED') return;
        queueMicrotask(() => this.ensureRootCa(e.object.metadata.namespace ?? ''));
      },
    );
    // Content removal waits on pods the node is still stopping: look again whenever a pod goes away.
    this.store.watch(
      { resource: 'pods', resourceVersion: String(this.store.resourceVersion()), signal: this.abort.signal },
      (e) => {
        if (e.type !== 'DELETED') return;
        const ns = this.store.get('namespaces', '', e.object.metadata.namespace ?? '');
        if (ns?.metadata.deletionTimestamp) queueMicrotask(() => this.finalize(ns.metadata.name));
      },
    );
  }

  stop(): void {
    this.abort.abort();
  }

  private onNamespace(event: StoreEvent): void {
    const ns = event.object;
    if (event.type === 'DELETED') return;
    // Store listeners must not write synchronously: the write would be delivered inside this delivery.
    if (ns.metadata.deletionTimestamp) queueMicrotask(() => this.finalize(ns.metadata.name));
    else
      queueMicrotask(() => {
        this.ensureServiceAccount(ns.metadata.name);
        this.ensureRootCa(ns.metadata.name);
      });
  }

  private ensureRootCa(namespace: string): void {
    try {
      const ns = this.store.get('namespaces', '', namespace);
      if (!ns || ns.metadata.deletionTimestamp) return;
      const data = { 'ca.crt': this.rootCaCert };
      const annotations = { 'kubernetes.io/description': ROOT_CA_DESCRIPTION };
      const current = this.store.get('configmaps', namespace, ROOT_CA_CONFIG_MAP);
      if (current === undefined) {
        const cm: KubeObject = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: ROOT_CA_CONFIG_MAP, namespace, annotations },
          data,
        };
        fillCreateMeta(cm, new Date());
        this.store.create('configmaps', cm);
        return;
      }
      if (JSON.stringify(current.data) === JSON.stringify(data)) return;
      const updated = {
        ...current,
        metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, ...annotations } },
        data,
      };
      this.store.update('configmaps', updated, { resourceVersion: current.metadata.resourceVersion });
    } catch (err) {
      this.logger.debug({ err, namespace }, 'root CA config map not published');
    }
  }

  private ensureServiceAccount(namespace: string): void {
    try {
      const ns = this.store.get('namespaces', '', namespace);
      if (!ns || ns.metadata.deletionTimestamp || this.store.get('serviceaccounts', namespace, 'default'))
        return;
      const sa: KubeObject = {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace },
      };
      fillCreateMeta(sa, new Date());
      this.store.create('serviceaccounts', sa);
    } catch (err) {
      this.logger.debug({ err, namespace }, 'default service account not created');
    }
  }

  /** Deletes every namespaced object (pods gracefully), then drops the `kubernetes` finalizer and the namespace. */
  private finalize(namespace: string): void {
    try {
      const ns = this.store.get('namespaces', '', namespace);
      if (!ns?.metadata.deletionTimestamp) return;
      let remaining = 0;
      const ctx = {
        store: this.store,
        nodeName: '',
        user: 'system:serviceaccount:kube-system:namespace-controller',
        now: new Date(),
      };
      for (const def of resources.filter((r) => r.namespaced && r.verbs.includes('delete'))) {
        const strategy = strategyFor(def.storageKey, def.kind, true);
        for (const object of this.store.list(def.storageKey, namespace).items) {
          // The same deletion a user's DELETE makes: a scheduled pod is only marked, and its node removes it.
          const target = { def, strategy, namespace, name: object.metadata.name };
          if (deleteObject(ctx, target, {}, false).pending) remaining += 1;
        }
      }
      if (remaining > 0) return;
      this.store.delete('namespaces', '', namespace);
      this.logger.info({ namespace }, 'namespace deleted');
    } catch (err) {
      this.logger.error({ err, namespace }, 'namespace clean-up failed');
    }
  }
}
