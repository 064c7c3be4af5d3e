// A pod's sandbox as the pod worker keeps it (kuberuntime_manager.go SyncPod, createPodSandbox): a ready one is kept,
// dead ones are removed with their containers, and a new one gets the pod's cgroup, resolv.conf, hostname and port
// mappings.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { computeQosClass } from '../api/qos.js';
import { podCgroupValues } from '../api/resources.js';
import { podFqdn, podHostname, podKernelHostname, renderResolvConf } from '../network/dns-files.js';
import type { ContainerRuntime, PodRuntimeState } from '../runtime/runtime.js';
import type { SandboxConfig } from '../runtime/sandbox.js';
import type { StartingSandbox } from '../runtime/types.js';
import { readTextOr } from '../util/fs.js';
import type { EventRecorder } from './events.js';
import { podPortMappings } from './ports.js';

export interface PodSandboxDeps {
  runtime: ContainerRuntime;
  events: EventRecorder;
  clusterDomain: string;
  /** The kubelet's clusterDNS: the nameservers of ClusterFirst pods (absent: they fall back to Default). */
  clusterDns?: string[];
  hostResolvConfPath: string;
  podPidsLimit: number;
  shmSizeBytes: number;
}

export class PodSandboxes {
  constructor(private readonly deps: PodSandboxDeps) {}

  /**
   * Keeps a ready sandbox; replaces a dead one (kubelet: "Pod sandbox changed, it will be killed and re-created").
   * A new one comes back with its network set up and its pause possibly still starting.
   */
  async ensureSandbox(pod: Pod, state: PodRuntimeState): Promise<StartingSandbox> {
    const ready = state.sandboxes.find((s) => s.state === 'ready');
    for (const s of state.sandboxes.filter((s) => s !== ready))
      await this.removeSandbox(s.record.id, state, 0);
    if (ready) return { record: ready.record, running: Promise.resolve(ready) };
    // kuberuntime_manager.go SyncPod: a pod that had a sandbox gets this event when it is replaced; a new pod none.
    if (state.sandboxes.length > 0) {
      const message = 'Pod sandbox changed, it will be killed and re-created.';
      this.deps.events.record(pod, { type: 'Normal', reason: 'SandboxChanged', message });
    }
    const uid = pod.metadata?.uid ?? '';
    const qos = computeQosClass(pod);
    const podCgroupPath = await this.deps.runtime.cgroups.ensurePod(uid, qos, {
      ...podCgroupValues(pod),
      pidsLimit: this.deps.podPidsLimit,
    });
    const hostResolvConf = readTextOr(this.deps.hostResolvConfPath, '');
    const resolv = renderResolvConf({
      dnsPolicy: pod.spec?.dnsPolicy ?? 'ClusterFirst',
      hostNetwork: pod.spec?.hostNetwork === true,
      hostResolvConf,
      clusterDomain: this.deps.clusterDomain,
      ...(this.deps.clusterDns ? { clusterDns: this.deps.clusterDns } : {}),
      namespace: pod.metadata?.namespace ?? 'default',
      podName: pod.metadata?.name ?? '',
      podUid: pod.metadata?.uid ?? '',
      ...(pod.spec?.dnsConfig ? { dnsConfig: pod.spec.dnsConfig } : {}),
    });
    for (const e of resolv.events) this.deps.events.record(pod, { type: 'Warning', ...e });
    const fqdn = podFqdn(pod, this.deps.clusterDomain);
    return this.runSandbox(pod, {
      pod,
      hostname: podKernelHostname(pod, this.deps.clusterDomain),
      hostsName: podHostname(pod),
      ...(fqdn ? { fqdn } : {}),
      resolvConf: resolv.content,
      sharePid: pod.spec?.shareProcessNamespace === true,
      portMappings: podPortMappings(pod),
      podCgroupPath,
      shmSizeBytes: this.deps.shmSizeBytes,
    });
  }

  /** kuberuntime_manager.go SyncPod: a sandbox that cannot be made is reported, and tried again at the next sync. */
  private async runSandbox(pod: Pod, config: SandboxConfig): Promise<StartingSandbox> {
    const failed = (err: unknown) => {
      const message = `Failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}`;
      this.deps.events.record(pod, { type: 'Warning', reason: 'FailedCreatePodSandBox', message });
    };
    try {
      const sandbox = await this.deps.runtime.runSandbox(config);
      sandbox.running.catch(failed);
      return sandbox;
    } catch (err) {
      failed(err);
      throw err;
    }
  }

  /** Stops and removes the sandbox's containers (each given `grace` seconds), then the sandbox. */
  async removeSandbox(id: string, state: PodRuntimeState, grace: number): Promise<void> {
    const inSandbox = state.containers.filter((c) => c.record.sandboxId === id);
    await Promise.all(inSandbox.map((c) => this.deps.runtime.containers.stop(c.record.id, grace)));
    await Promise.all(inSandbox.map((c) => this.deps.runtime.containers.remove(c.record.id)));
    await this.deps.runtime.sandboxes.remove(id);
  }
}
