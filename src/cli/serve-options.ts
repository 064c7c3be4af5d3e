// The flags of `podlet serve` and the checks of their values, apart from what serve does with them.
import { Command, InvalidArgumentError, Option } from 'commander';
import { hostname } from 'node:os';
import { parseQuantity, quantityToBytes } from '../api/quantity.js';
import { DEFAULT_SERVICE_CIDR } from '../api/service-ip-range.js';
import { DEFAULT_INFLIGHT_LIMITS } from '../apiserver/inflight-limit.js';
import { DEFAULT_PRESSURE_TRANSITION_PERIOD } from '../kubelet/eviction/eviction-config.js';
import { DEFAULT_EVICTION_HARD } from '../kubelet/eviction/thresholds.js';
import type { LogRotationOptions } from '../kubelet/log-rotation.js';
import { MAX_PODS } from '../kubelet/node-object.js';
import { DEFAULT_LISTEN } from './api-endpoint.js';
import { collectExtendedResource } from './extended-resource-option.js';
import { dataDirOption } from './output.js';
import { withRegistryOptions, type RegistryOptions } from './registry-options.js';

export interface ServeOptions extends RegistryOptions {
  dataDir: string;
  manifests?: string;
  bridge: string;
  podCidr: string;
  cgroupParent: string;
  nodeName: string;
  clusterDomain: string;
  serviceCidr: string;
  clusterDns: string;
  resolvConf: string;
  podPidsLimit: string;
  maxPods: string;
  containerLogMaxSize: string;
  containerLogMaxFiles: string;
  logLevel: string;
  listen: string;
  evictionHard?: string;
  evictionPressureTransitionPeriod: string;
  kubeReserved?: string;
  systemReserved?: string;
  extendedResource: string[];
  encryptionKeyFile?: string;
  podApiAccess: boolean;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
}

/** Adds every flag of `podlet serve` to the command. */
export function withServeOptions(command: Command): Command {
  return withRegistryOptions(command)
    .description('run the node: the Kubernetes API (HTTPS, client certificates) and the pods, API and static')
    .addOption(dataDirOption())
    .option('--listen <host:port>', 'address of the Kubernetes API (port 0: any free port)', DEFAULT_LISTEN)
    .option('--manifests <dir>', 'static pod manifests directory (like the kubelet staticPodPath)')
    .option('--bridge <name>', 'Linux bridge for pod networking', 'podlet0')
    .option('--pod-cidr <cidr>', 'IPv4 range for pod IPs', '10.85.0.0/24')
    .option('--cgroup-parent <name>', 'cgroup under which pod cgroups are made', 'podlet')
    .option('--node-name <name>', "this node's name", hostname().toLowerCase())
    .option('--cluster-domain <domain>', 'DNS domain of the cluster', 'cluster.local')
    .option('--service-cidr <cidr>', "IPv4 range of Services' cluster IPs", DEFAULT_SERVICE_CIDR)
    .option(
      '--cluster-dns <address>',
      'where podlet serves cluster DNS for ClusterFirst pods: bridge (its gateway address), an IP of this host, or none',
      'bridge',
    )
    .option(
      '--resolv-conf <path>',
      'resolver file of the node: Default pods copy it, cluster DNS forwards to its nameservers',
      '/etc/resolv.conf',
    )
    .option('--pod-pids-limit <n>', 'pids.max of each pod cgroup (-1: none)', '4096')
    .option(
      '--max-pods <n>',
      'how many pods the node admits; the next is refused with OutOfpods',
      String(MAX_PODS),
    )
    .option('--container-log-max-size <quantity>', 'a container log is rotated past this size', '10Mi')
    .option('--container-log-max-files <n>', 'log files kept per container, the current one included', '5')
    .option(
      '--eviction-hard <thresholds>',
      `hard eviction thresholds, e.g. memory.available<100Mi,nodefs.available<10% (default: ${DEFAULT_EVICTION_HARD})`,
    )
    .option(
      '--eviction-pressure-transition-period <duration>',
      'how long a pressure condition stays True after its threshold stops being met',
      DEFAULT_PRESSURE_TRANSITION_PERIOD,
    )
    .option(
      '--kube-reserved <resources>',
      'held back from allocatable for Kubernetes daemons, e.g. cpu=100m,memory=1Gi',
    )
    .option(
      '--system-reserved <resources>',
      'held back from allocatable for the OS, e.g. cpu=100m,memory=1Gi',
    )
    .option(
      '--extended-resource <name=count>',
      'an extended resource the node advertises, e.g. example.com/dongle=2 (repeatable)',
      collectExtendedResource,
      [],
    )
    .option(
      '--max-requests-inflight <n>',
      'read-only API requests served at once; more get 429 (0: no limit)',
      inflightCount,
      DEFAULT_INFLIGHT_LIMITS.readOnly,
    )
    .option(
      '--max-mutating-requests-inflight <n>',
      'mutating API requests served at once; more get 429 (0: no limit)',
      inflightCount,
      DEFAULT_INFLIGHT_LIMITS.mutating,
    )
    .option(
      '--encryption-key-file <path>',
      'encrypt Secrets at rest (AES-256-GCM) with the base64 32-byte key in this owner-only file',
    )
    .option(
      '--pod-api-access',
      "let pods connect to the API's port (by default refused from the pod bridge)",
      false,
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .default('info')
        .choices(['debug', 'info', 'warn', 'error']),
    );
}

/** kube-apiserver refuses a negative in-flight limit (server_run_options.go Validate). */
function inflightCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/** --container-log-max-size is a quantity (`10Mi`), --container-log-max-files at least 2 (the kubelet's rule). */
export function logRotationOptions(o: ServeOptions): LogRotationOptions {
  const maxSizeBytes = Number(quantityToBytes(parseQuantity(o.containerLogMaxSize)));
  const maxFiles = Number(o.containerLogMaxFiles);
  if (!(maxSizeBytes > 0))
    throw new Error(`--container-log-max-size ${o.containerLogMaxSize}: must be above 0`);
  if (!Number.isInteger(maxFiles) || maxFiles < 2) {
    throw new Error(`--container-log-max-files ${o.containerLogMaxFiles}: must be an integer of at least 2`);
  }
  return { maxSizeBytes, maxFiles };
}

export function maxPods(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--max-pods ${value}: must be an integer of at least 1`);
  return n;
}

/** Below this conmon never cuts a log: a container logging steadily is left to the kubelet's rotation alone. */
const CONMON_LOG_CAP_FLOOR = 16 * 1024 * 1024;

/**
 * conmon's --log-size-max (decision 0041): twice the rotation size, and never under 16 MiB, so that only a log that
 * outran the kubelet's 10 s rotation by that much is cut.
 */
export function conmonLogSizeMax(rotationBytes: number): number {
  return Math.max(2 * rotationBytes, CONMON_LOG_CAP_FLOOR);
}
