// The Node this host is (pkg/kubelet/kubelet_node_status.go and nodestatus/setters.go): capacity and allocatable
// read from the machine, addresses, nodeInfo, conditions with heartbeats.
import { readFile, statfs } from 'node:fs/promises';
import { arch, cpus, hostname, networkInterfaces, release, totalmem } from 'node:os';
import type { ContainerImage, Node, NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import { hugePageResourceName } from '../api/hugepages.js';
import { formatQuantity } from '../api/quantity.js';
import type { ImageRecord } from '../image/types.js';
import { readHugePagePools, type HugePagePool } from '../runtime/hugepages.js';
import type { PressureCondition } from './eviction/thresholds.js';

export const KUBELET_VERSION = 'v1.33.0';
/** kubelet's default --max-pods (maxPods in its config file). */
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
  /** The kernel's huge page pools: capacity `hugepages-<size>`, taken out of allocatable memory. */
  hugePages: HugePagePool[];
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
    hugePages: await readHugePagePools(),
  };
}

/** What pods may request on this node: capacity less the reservations (pkg/kubelet/cm GetNodeAllocatableReservation). */
export interface NodeAllocatable {
  milliCpu: bigint;
  memoryBytes: bigint;
  pods: number;
  ephemeralStorageBytes?: bigint;
  /** Extended resources the node advertises (`--extended-resource example.com/dongle=2`): capacity = allocatable. */
  extendedResources?: Readonly<Record<string, bigint>>;
}

/** What is held back from capacity: --kube-reserved + --system-reserved + the hard eviction thresholds. */
export interface NodeReservation {
  milliCpu: bigint;
  memoryBytes: bigint;
  ephemeralStorageBytes: bigint;
}

/** The kubelet's default hard eviction threshold memory.available<100Mi, and no --kube/--system-reserved. */
export const DEFAULT_RESERVATION: NodeReservation = {
  milliCpu: 0n,
  memoryBytes: 100n * 1024n * 1024n,
  ephemeralStorageBytes: 0n,
};

/** capacity - reservation, never below zero (node_container_manager_linux.go GetNodeAllocatableAbsolute). */
export function nodeAllocatable(
  f: NodeFacts,
  reserved: NodeReservation = DEFAULT_RESERVATION,
  maxPods = MAX_PODS,
): NodeAllocatable {
  const left = (capacity: bigint, held: bigint) => (capacity > held ? capacity - held : 0n);
  return {
    milliCpu: left(BigInt(f.cpus) * 1000n, reserved.milliCpu),
    memoryBytes: left(BigInt(f.memoryBytes), reserved.memoryBytes + hugePageBytes(f)),
    pods: maxPods,
    ephemeralStorageBytes: left(BigInt(f.ephemeralStorageBytes), reserved.ephemeralStorageBytes),
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
export function nodeObject(
  f: NodeFacts,
  conditions: NodeCondition[],
  images: ContainerImage[] = [],
  allocatable: NodeAllocatable = nodeAllocatable(f),
): Node {
  const capacity = {
    cpu: String(f.cpus),
    memory: `${Math.floor(f.memoryBytes / 1024)}Ki`,
    'ephemeral-storage': `${Math.floor(f.ephemeralStorageBytes / 1024)}Ki`,
    // --max-pods is capacity and allocatable both: nothing is reserved from the pod count.
    pods: String(allocatable.pods),
    ...Object.fromEntries(
      f.hugePages.map((p) => [
        hugePageResourceName(p.pageSizeBytes),
        binaryQuantity(p.pageSizeBytes * p.pages),
      ]),
    ),
    ...Object.fromEntries(
      Object.entries(allocatable.extendedResources ?? {}).map(([name, count]) => [name, String(count)]),
    ),
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
        cpu:
          allocatable.milliCpu % 1000n === 0n
            ? String(allocatable.milliCpu / 1000n)
            : `${allocatable.milliCpu}m`,
        memory: binaryQuantity(allocatable.memoryBytes),
        ...(allocatable.ephemeralStorageBytes !== undefined
          ? { 'ephemeral-storage': binaryQuantity(allocatable.ephemeralStorageBytes) }
          : {}),
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

/** The pressure conditions' reasons and messages (pkg/kubelet/nodestatus/setters.go), healthy then under pressure. */
const PRESSURE_TEXTS: Record<PressureCondition, [string, string, string, string]> = {
  MemoryPressure: [
    'KubeletHasSufficientMemory',
    'kubelet has sufficient memory available',
    'KubeletHasInsufficientMemory',
    'kubelet has insufficient memory available',
  ],
  DiskPressure: [
    'KubeletHasNoDiskPressure',
    'kubelet has no disk pressure',
    'KubeletHasDiskPressure',
    'kubelet has disk pressure',
  ],
  PIDPressure: [
    'KubeletHasSufficientPID',
    'kubelet has sufficient PID available',
    'KubeletHasInsufficientPID',
    'kubelet has insufficient PID available',
  ],
};

/** The taint the node lifecycle controller adds for each pressure condition (TaintNodesByCondition). */
export const PRESSURE_TAINTS: Record<PressureCondition, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
};

/**
 * The three pressure conditions and Ready; `pressure` lists those the eviction manager holds True. `previous` keeps
 * transition times.
 */
export function nodeConditions(
  now: string,
  previous: NodeCondition[] | undefined,
  pressure: readonly PressureCondition[] = [],
): NodeCondition[] {
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
  const pressureCondition = (type: PressureCondition) => {
    const [okReason, okMessage, badReason, badMessage] = PRESSURE_TEXTS[type];
    return pressure.includes(type)
      ? make(type, 'True', badReason, badMessage)
      : make(type, 'False', okReason, okMessage);
  };
  return [
    pressureCondition('MemoryPressure'),
    pressureCondition('DiskPressure'),
    pressureCondition('PIDPressure'),
    make('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/**
 * The node's taints with the pressure taints set to match the conditions: podlet is its own node lifecycle
 * controller, which adds `<key>:NoSchedule` while a condition is True and removes it after; other taints are kept.
 */
export function withPressureTaints(
  taints: readonly Taint[] | undefined,
  pressure: readonly PressureCondition[],
): Taint[] {
  const keys = new Set(Object.values(PRESSURE_TAINTS));
  const kept = (taints ?? []).filter(
    (t) => !keys.has(t.key) || pressure.some((p) => PRESSURE_TAINTS[p] === t.key),
  );
  const missing = pressure
    .filter((p) => !kept.some((t) => t.key === PRESSURE_TAINTS[p]))
    .map((p): Taint => ({ key: PRESSURE_TAINTS[p], effect: 'NoSchedule' }));
  return [...kept, ...missing];
}

/** resource.NewQuantity(bytes, BinarySI).String(). */
/** Memory held in huge page pools, which no pod can use as ordinary memory (nodestatus MachineInfo setter). */
function hugePageBytes(f: NodeFacts): bigint {
  return f.hugePages.reduce((sum, p) => sum + p.pageSizeBytes * p.pages, 0n);
}

function binaryQuantity(bytes: bigint): string {
  return formatQuantity({ unscaled: bytes, exponent: 0, format: 'BinarySI' });
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
