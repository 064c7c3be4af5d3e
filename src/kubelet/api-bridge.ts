// The kubelet's link to the API store (pkg/kubelet/config/apiserver.go, status/status_manager.go,
// nodestatus, pod/mirror_client.go): this node's pods in, Node status, pod status and mirror pods out.
import { randomUUID } from 'node:crypto';
import type {
  ConfigMap,
  ContainerImage,
  Event,
  Node,
  NodeSpec,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodStatus,
  Secret,
  Service,
  Taint,
} from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../api/object.js';
import {
  CONFIG_HASH_ANNOTATION,
  CONFIG_MIRROR_ANNOTATION,
  CONFIG_SOURCE_ANNOTATION,
} from '../api/pod-annotations.js';
import { kubeTime } from '../api/time.js';
import { parseDockerConfig, type CredentialMap } from '../image/registry/docker-config.js';
import type { ImageRecord } from '../image/types.js';
import { NotFoundError } from '../store/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../util/log.js';
import type { ObjectSource } from './container-env.js';
import type { PodStatusSink } from './pod-status-manager.js';
import type { PressureCondition } from './eviction/thresholds.js';
import type { PodEvent } from './events.js';
import {
  nodeAllocatable,
  nodeConditions,
  nodeImages,
  nodeObject,
  withPressureTaints,
  type NodeAllocatable,
  type NodeFacts,
} from './node-object.js';
import { KUBELET_OWNED } from './status/conditions.js';
import { podStatusEqual } from './status/pod-status.js';

/** kubelet's --node-status-update-frequency, also the lease renewal interval here. */
const HEARTBEAT_MS = 10_000;
/** kubelet's --node-lease-duration-seconds. */
const LEASE_DURATION_S = 40;
const LEASES = 'leases.coordination.k8s.io';

/** What the Node's status shows beyond the machine's facts. */
export interface NodeStatusSource {
  allocatable?: NodeAllocatable;
  /** The pressure conditions the eviction manager holds True. */
  pressure?: () => readonly PressureCondition[];
}

export class ApiBridge implements PodStatusSink, ObjectSource {
  private readonly abort = new AbortController();
  private heartbeat: NodeJS.Timeout | undefined;
  private nodeUid = '';
  private lastImages: ContainerImage[] = [];
  /** The Node events written, by reason and message, to count repeats on (client-go's EventCorrelator). */
  private readonly nodeEvents = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly node: NodeFacts,
    private readonly images: () => Promise<ImageRecord[]>,
    private readonly logger: Logger,
    private readonly status: NodeStatusSource = {},
  ) {}

  /** Writes the Node status now (a pressure condition changed) rather than at the next heartbeat. */
  refreshNode(): void {
    this.registerNode(this.lastImages);
  }

  /** An event about the Node, as the kubelet's recorder writes it (namespace default, the node name as UID). */
  recordNodeEvent(event: PodEvent): void {
    const key = `${event.type}\u0000${event.reason}\u0000${event.message}`;
    const now = kubeTime(new Date());
    try {
      const existing = this.nodeEvents.get(key);
      if (existing && this.store.get('events', 'default', existing)) {
        this.store.guaranteedUpdate('events', 'default', existing, (current) => ({
          ...current,
          count: ((current as unknown as Event).count ?? 1) + 1,
          lastTimestamp: now,
        }));
        return;
      }
      const name = `${this.node.name}.${(BigInt(Date.now()) * 1_000_000n).toString(16)}`;
      this.store.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: 'default', uid: randomUUID(), creationTimestamp: now },
        involvedObject: { kind: 'Node', name: this.node.name, uid: this.node.name, apiVersion: 'v1' },
        reason: event.reason,
        message: event.message,
        source: { component: 'kubelet', host: this.node.name },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type: event.type,
        reportingComponent: 'kubelet',
        reportingInstance: this.node.name,
      } as unknown as KubeObject);
      this.nodeEvents.set(key, name);
      this.logger.warn({ node: this.node.name, reason: event.reason }, event.message);
    } catch (err) {
      this.logger.warn({ err, reason: event.reason }, 'node event not recorded');
    }
  }

  /**
   * Registers the Node and keeps its heartbeat; calls onPods with this node's API pods on every change, and
   * onMirrorDeleted when a mirror pod is gone, so that its static pod's worker makes it again at once.
   */
  start(onPods: (pods: Pod[]) => void, onMirrorDeleted: (namespace: string, name: string) => void): void {
    const heartbeat = () =>
      void this.images()
        .then((images) => this.registerNode((this.lastImages = nodeImages(images))))
        .catch((err: unknown) => this.logger.error({ err }, 'listing images for the node status failed'));
    this.registerNode([]);
    heartbeat();
    this.heartbeat = setInterval(heartbeat, HEARTBEAT_MS);
    const pods = new Map<string, Pod>();
    let scheduled = false;
    const publish = () => {
      scheduled = false;
      onPods([...pods.values()]);
    };
    this.store.watch({ resource: 'pods', signal: this.abort.signal }, (event) => {
      const pod = event.object as unknown as Pod;
      const uid = pod.metadata?.uid ?? '';
      const mine = pod.spec?.nodeName === this.node.name;
      if (isMirror(pod)) {
        if (event.type === 'DELETED')
          queueMicrotask(() => onMirrorDeleted(pod.metadata?.namespace ?? '', pod.metadata?.name ?? ''));
        else if (pod.metadata?.deletionTimestamp) queueMicrotask(() => this.dropMirror(pod));
        return;
      }
      if (event.type === 'DELETED' || !mine) pods.delete(uid);
      else if (statusOnly(event.object, event.previous)) return;
      else pods.set(uid, pod);
      // One publish per burst of events (the initial list arrives as one ADDED per pod).
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(publish);
      }
    });
  }

  stop(): void {
    this.abort.abort();
    clearInterval(this.heartbeat);
  }

  stored(pod: Pod): PodStatus | undefined {
    const target = isStatic(pod) ? this.mirrorOf(pod) : this.current(pod);
    return (target as unknown as Pod | undefined)?.status;
  }

  async write(pod: Pod, status: PodStatus): Promise<void> {
    const target = isStatic(pod) ? this.ensureMirror(pod) : this.current(pod);
    if (target === undefined) return;
    const previous = (target as unknown as Pod).status;
    const merged = withOthersConditions(status, previous);
    if (previous && podStatusEqual(previous, merged)) return;
    this.writeStatus(target, merged);
  }

  async terminated(pod: Pod): Promise<void> {
    const meta = pod.metadata ?? {};
    try {
      const current = this.store.get('pods', meta.namespace ?? '', meta.name ?? '');
      if (current?.metadata.uid === meta.uid)
        this.store.delete('pods', meta.namespace ?? '', meta.name ?? '', { uid: meta.uid ?? '' });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }

  configMap(namespace: string, name: string): ConfigMap | undefined {
    return this.store.get('configmaps', namespace, name) as ConfigMap | undefined;
  }

  secret(namespace: string, name: string): Secret | undefined {
    return this.store.get('secrets', namespace, name) as Secret | undefined;
  }

  persistentVolumeClaim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.store.get('persistentvolumeclaims', namespace, name) as PersistentVolumeClaim | undefined;
  }

  persistentVolume(name: string): PersistentVolume | undefined {
    return this.store.get('persistentvolumes', '', name) as PersistentVolume | undefined;
  }

  services(): Service[] {
    return this.store.list('services', undefined).items as Service[];
  }

  /** The dockerconfigjson of the pod's imagePullSecrets, by registry host. */
  async pullCredentials(pod: Pod): Promise<CredentialMap> {
    const credentials = new Map();
    for (const ref of pod.spec?.imagePullSecrets ?? []) {
      const secret = this.store.get('secrets', pod.metadata?.namespace ?? '', ref.name ?? '') as
        Secret | undefined;
      const data = secret?.data?.['.dockerconfigjson'] ?? secret?.data?.['.dockercfg'];
      if (data === undefined) {
        this.logger.warn(
          { pod: pod.metadata?.name, secret: ref.name },
          'image pull secret not found or of no registry type',
        );
        continue;
      }
      const text = Buffer.from(data, 'base64').toString('utf8');
      for (const [host, c] of parseDockerConfig(text, `secret ${pod.metadata?.namespace}/${ref.name}`))
        credentials.set(host, c);
    }
    return credentials;
  }

  private current(pod: Pod): StoredObject | undefined {
    const found = this.store.get('pods', pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
    return found?.metadata.uid === pod.metadata?.uid ? found : undefined;
  }

  private writeStatus(target: StoredObject, status: PodStatus): void {
    try {
      this.store.guaranteedUpdate('pods', target.metadata.namespace ?? '', target.metadata.name, (current) =>
        current.metadata.uid === target.metadata.uid ? ({ ...current, status } as KubeObject) : undefined,
      );
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }

  /** A static pod shows in the API as a mirror pod with its own UID (pkg/kubelet/pod/mirror_client.go). */
  private ensureMirror(pod: Pod): StoredObject | undefined {
    const meta = pod.metadata ?? {};
    const hash = meta.annotations?.[CONFIG_HASH_ANNOTATION] ?? '';
    const current = this.mirrorOf(pod);
    if (current) return current;
    const existing = this.store.get('pods', meta.namespace ?? 'default', meta.name ?? '');
    if (existing) this.store.delete('pods', existing.metadata.namespace ?? '', existing.metadata.name);
    const now = new Date();
    const mirror: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...meta,
        uid: randomUUID(),
        creationTimestamp: kubeTime(now),
        generation: 1,
        annotations: { ...meta.annotations, [CONFIG_MIRROR_ANNOTATION]: hash },
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Node', name: this.node.name, uid: this.nodeUid, controller: true },
        ],
      },
      spec: pod.spec,
      status: { phase: 'Pending' },
    };
    return this.store.create('pods', mirror);
  }

  /** The mirror pod made from this version of the static pod, unless it is being deleted. */
  private mirrorOf(pod: Pod): StoredObject | undefined {
    const meta = pod.metadata ?? {};
    const hash = meta.annotations?.[CONFIG_HASH_ANNOTATION] ?? '';
    const existing = this.store.get('pods', meta.namespace ?? 'default', meta.name ?? '');
    const current =
      existing?.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION] === hash &&
      !existing.metadata.deletionTimestamp;
    return current ? existing : undefined;
  }

  private dropMirror(pod: Pod): void {
    try {
      this.store.delete('pods', pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', {
        uid: pod.metadata?.uid ?? '',
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) this.logger.warn({ err }, 'mirror pod not removed');
    }
  }

  /** The node's Lease in kube-node-lease, renewed with every heartbeat (kubelet nodelease controller). */
  private renewLease(now: Date): void {
    const renewTime = now.toISOString().replace('Z', '000Z');
    const existing = this.store.get(LEASES, 'kube-node-lease', this.node.name);
    if (existing) {
      this.store.guaranteedUpdate(LEASES, 'kube-node-lease', this.node.name, (current) => ({
        ...current,
        spec: { ...(current.spec as object), renewTime },
      }));
      return;
    }
    this.store.create(LEASES, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.node.name,
        namespace: 'kube-node-lease',
        uid: randomUUID(),
        creationTimestamp: kubeTime(now),
        generation: 1,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.node.name, uid: this.nodeUid }],
      },
      spec: { holderIdentity: this.node.name, leaseDurationSeconds: LEASE_DURATION_S, renewTime },
    });
  }

  private registerNode(images: ContainerImage[]): void {
    try {
      const existing = this.store.get('nodes', '', this.node.name) as (StoredObject & Node) | undefined;
      const now = kubeTime(new Date());
      const pressure = this.status.pressure?.() ?? [];
      const fresh = nodeObject(
        this.node,
        nodeConditions(now, existing?.status?.conditions, pressure),
        images,
        this.status.allocatable ?? nodeAllocatable(this.node),
      );
      if (existing === undefined) {
        const created = this.store.create('nodes', {
          ...fresh,
          spec: withTaints(fresh.spec, withPressureTaints([], pressure)),
          metadata: { ...fresh.metadata, uid: randomUUID(), creationTimestamp: now, generation: 1 },
        } as KubeObject);
        this.nodeUid = created.metadata.uid ?? '';
        if (this.store.get('namespaces', '', 'kube-node-lease')) this.renewLease(new Date());
        return;
      }
      this.nodeUid = existing.metadata.uid ?? '';
      this.store.guaranteedUpdate('nodes', '', this.node.name, (current) => ({
        ...current,
        metadata: { ...current.metadata, labels: { ...current.metadata.labels, ...fresh.metadata?.labels } },
        spec: withTaints(
          current.spec as NodeSpec,
          withPressureTaints((current.spec as NodeSpec)?.taints, pressure),
        ),
        status: fresh.status,
      }));
      if (this.store.get('namespaces', '', 'kube-node-lease')) this.renewLease(new Date());
    } catch (err) {
      this.logger.error({ err }, 'node status update failed');
    }
  }
}

/** The spec with these taints; `taints` left out when there are none, as the API shows a node without any. */
function withTaints(spec: NodeSpec | undefined, taints: Taint[]): NodeSpec {
  const { taints: _old, ...rest } = spec ?? {};
  return taints.length > 0 ? { ...rest, taints } : rest;
}

/**
 * mergePodStatus (status/status_manager.go): conditions the kubelet does not own that the API holds and the
 * kubelet's copy lacks (DisruptionTarget set by the scheduler's preemption) are kept, not overwritten.
 */
function withOthersConditions(status: PodStatus, stored: PodStatus | undefined): PodStatus {
  const have = new Set((status.conditions ?? []).map((c) => c.type));
  const missing = (stored?.conditions ?? []).filter((c) => !KUBELET_OWNED.has(c.type) && !have.has(c.type));
  return missing.length === 0
    ? status
    : { ...status, conditions: [...(status.conditions ?? []), ...missing] };
}

/** The kubelet's own status writes are no news to its pod workers (only spec and metadata changes are). */
function statusOnly(object: StoredObject, previous: StoredObject | undefined): boolean {
  if (previous === undefined) return false;
  const desired = (o: StoredObject) => {
    const { resourceVersion, managedFields, ...meta } = o.metadata;
    return JSON.stringify([meta, o.spec]);
  };
  return desired(object) === desired(previous);
}

function isStatic(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION];
  return source !== undefined && source !== 'api';
}

function isMirror(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;
}
