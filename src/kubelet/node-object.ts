// The Node this host is (pkg/kubelet/kubelet_node_status.go and nodestatus/setters.go): capacity and allocatable
// read from the machine, addresses, nodeInfo, conditions with heartbeats.
import { readFile, statfs } from 'node:fs/promises';
import { arch, cpus, hostname, networkInterfaces, release, totalmem } from 'node:os';
import type { ContainerImage, Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import type { ImageRecord } from '../image/types.js';

export const KUBELET_VERSION = 'v1.33.0';
/** kubelet's default --max-pods. */
export const MAX_PODS = 110;

export interface NodeFacts {
  name: string;
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  internalIP: string;
  hostname: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  machineID: string;
  bootID: string;
  runtimeVersion: string;
}

export async function readNodeFacts(
  name: string,
  dataDir: string,
  runtimeVersion: string,
): Promise<NodeFacts> {
  const fs = await statfs(dataDir);
  return {
    name,
    cpus: cpus().length,
    memoryBytes: totalmem(),
    ephemeralStorageBytes: fs.blocks * fs.bsize,
    internalIP: firstIPv4() ?? '127.0.0.1',
    hostname: hostname(),
    kernelVersion: release(),
    osImage: await osImage(),
    architecture: arch() === 'x64' ? 'amd64' : arch(),
    machineID: (await readFile('/etc/machine-id', 'utf8').catch(() => '')).trim(),
    bootID: (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim(),
    runtimeVersion,
  };
}

/** The kubelet's default hard eviction threshold memory.available<100Mi, held back from allocatable. */
const EVICTION_HARD_MEMORY_BYTES = 100 * 1024 * 1024;

/** What pods may request on this node: capacity less the hard eviction threshold (no kube/system reservations). */
export interface NodeAllocatable {
  milliCpu: bigint;
  memoryBytes: bigint;
  pods: number;
}

export function nodeAllocatable(f: NodeFacts): NodeAllocatable {
  return {
    milliCpu: BigInt(f.cpus) * 1000n,
    memoryBytes: BigInt(Math.max(0, f.memoryBytes - EVICTION_HARD_MEMORY_BYTES)),
    pods: MAX_PODS,
  };
}

/** kubelet --node-status-max-images, and maxNamesPerImageInNodeStatus (nodestatus/setters.go Images). */
const MAX_IMAGES = 50;
const MAX_NAMES_PER_IMAGE = 5;

/** The images the node holds, largest first: digests then tags, as the kubelet lists them. */
export function nodeImages(images: readonly ImageRecord[]): ContainerImage[] {
  return [...images]
    .sort((a, b) => b.size - a.size)
    .slice(0, MAX_IMAGES)
    .map((i) => ({ names: [...i.repoDigests, ...i.names].slice(0, MAX_NAMES_PER_IMAGE), sizeBytes: i.size }));
}

/** The Node object's labels, capacity, addresses and info; conditions come from nodeConditions. */
export function nodeObject(f: NodeFacts, conditions: NodeCondition[], images: ContainerImage[] = []): Node {
  const capacity = {
    cpu: String(f.cpus),
    memory: `${Math.floor(f.memoryBytes / 1024)}Ki`,
    'ephemeral-storage': `${Math.floor(f.ephemeralStorageBytes / 1024)}Ki`,
    pods: String(MAX_PODS),
    'hugepages-2Mi': '0',
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: f.name,
      labels: {
        'kubernetes.io/hostname': f.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': f.architecture,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': f.architecture,
        'node-role.kubernetes.io/control-plane': '',
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {},
    status: {
      capacity,
      allocatable: {
        ...capacity,
        memory: `${nodeAllocatable(f).memoryBytes / 1024n}Ki`,
      },
      conditions,
      ...(images.length > 0 ? { images } : {}),
      addresses: [
        { type: 'InternalIP', address: f.internalIP },
        { type: 'Hostname', address: f.hostname },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: f.machineID,
        systemUUID: f.machineID,
        bootID: f.bootID,
        kernelVersion: f.kernelVersion,
        osImage: f.osImage,
        containerRuntimeVersion: f.runtimeVersion,
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: f.architecture,
      },
    },
  };
}

/** The four pressure conditions and Ready, as a healthy kubelet reports them; `previous` keeps transition times. */
export function nodeConditions(now: string, previous: NodeCondition[] | undefined): NodeCondition[] {
  const make = (type: string, status: string, reason: string, message: string): NodeCondition => {
    const before = previous?.find((c) => c.type === type);
    return {
      type,
      status,
      lastHeartbeatTime: now,
      lastTransitionTime: before?.status === status ? (before.lastTransitionTime ?? now) : now,
      reason,
      message,
    };
  };
  return [
    make('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    make('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    make('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    make('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

async function osImage(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith('PRETTY_NAME='));
  return line ? line.slice('PRETTY_NAME='.length).replace(/^"|"$/g, '') : 'Linux';
}

function firstIPv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}
