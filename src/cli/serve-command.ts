import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { formatManifestError } from '../api/manifest.js';
import { ImageStore } from '../image/store.js';
import { attachToContainer } from '../runtime/attach-socket.js';
import { execSync } from '../runtime/exec-sync.js';
import { startTerminalExec } from '../runtime/tty-exec.js';
import { ApiServer } from '../apiserver/server.js';
import { ApiMetrics } from '../apiserver/prometheus-metrics.js';
import { MetricsRegistry } from '../util/prometheus.js';
import { netnsDialer } from '../apiserver/portforward/netns-dialer.js';
import { NamespaceController, ensureInitialNamespaces } from '../apiserver/namespace-controller.js';
import {
  ServiceAccountTokens,
  defaultIssuer,
  ensureServiceAccountKey,
} from '../apiserver/service-account-tokens.js';
import { requestServiceAccountToken } from '../apiserver/token-request.js';
import { ensureDefaultStorageClass } from '../apiserver/volumes/default-storage-class.js';
import { ensureSystemPriorityClasses } from '../apiserver/kinds/priority-classes.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { parseExtendedResources } from './extended-resource-option.js';
import { VolumeController } from '../apiserver/volumes/volume-controller.js';
import { ApiBridge } from '../kubelet/api-bridge.js';
import { LogRotation } from '../kubelet/log-rotation.js';
import { MetricsCollector } from '../kubelet/metrics.js';
import { nodeAllocatable, readNodeFacts, type NodeFacts } from '../kubelet/node-object.js';
import { evictionSettings, type EvictionSettings } from '../kubelet/eviction/eviction-config.js';
import type { NodePressureConfig } from '../kubelet/eviction/eviction-manager.js';
import type { PressureCondition } from '../kubelet/eviction/thresholds.js';
import { DEFAULT_CGROUP_ROOT } from '../runtime/cgroups/manager.js';
import { parentCgroupPath } from '../runtime/cgroups/layout.js';
import { StoreEventRecorder } from '../kubelet/store-events.js';
import { ObjectStore } from '../store/object-store.js';
import { readEncryptionKeyFile, storedDataTransformer } from '../store/encryption.js';
import { ServiceIPRange } from '../api/service-ip-range.js';
import { ensureKubernetesService } from '../apiserver/kubernetes-service.js';
import { EndpointsController } from '../controllers/endpoints/endpoints-controller.js';
import { ServiceProxy } from '../proxy/service-proxy.js';
import { startClusterDns } from '../dns/cluster-dns.js';
import { run } from '../util/exec.js';
import { ImageManager } from '../kubelet/image-manager.js';
import { registryPuller } from '../kubelet/image-puller.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { readStaticPods, watchManifestDir } from '../kubelet/static-pods.js';
import { TokenManager, type TokenSource } from '../kubelet/token-manager.js';
import { Runc } from '../runtime/runc.js';
import { ContainerRuntime } from '../runtime/runtime.js';
import { ensureDir } from '../util/fs.js';
import { createLogger } from '../util/log.js';
import { checkHost } from './doctor.js';
import { apiPki, parseListen, writeApiAddress } from './api-endpoint.js';
import { fail } from './output.js';
import { inspectPod } from '../inspect/sharing-report.js';
import { pullProgressTimeoutMs, registryCredentials } from './registry-options.js';
import {
  conmonLogSizeMax,
  logRotationOptions,
  maxPods,
  withServeOptions,
  type ServeOptions,
} from './serve-options.js';

export function serveCommand(): Command {
  return withServeOptions(new Command('serve')).action(async (o: ServeOptions) => {
    try {
      await serve(o);
    } catch (e) {
      fail(e);
    }
  });
}

async function serve(o: ServeOptions): Promise<void> {
  const logger = createLogger({ level: o.logLevel });
  const listen = parseListen(o.listen);
  // Bad eviction or reservation flags stop podlet before it touches the host.
  evictionSettings(o, { memoryBytes: 0n, ephemeralStorageBytes: 0n });
  const extendedResources = parseExtendedResources(o.extendedResource);
  const podCapacity = maxPods(o.maxPods);
  pullProgressTimeoutMs(o);
  ServiceIPRange.parse(o.serviceCidr);
  const encryptionKey = o.encryptionKeyFile ? await readEncryptionKeyFile(o.encryptionKeyFile) : undefined;
  const problems = (await checkHost({ podCidr: o.podCidr, bridge: o.bridge })).filter((p) => p.fatal);
  if (problems.length > 0) {
    throw new Error(`${problems.map((p) => p.problem).join('; ')} (run \`podlet doctor\` for the fixes)`);
  }
  await ensureDir(o.dataDir, 0o700);
  const runtime = await ContainerRuntime.open({
    dataDir: o.dataDir,
    bridge: o.bridge,
    podCidr: o.podCidr,
    serviceCidr: o.serviceCidr,
    cgroupParent: o.cgroupParent,
    containerLogSizeMax: conmonLogSizeMax(logRotationOptions(o).maxSizeBytes),
    logger,
  });
  const images = await ImageStore.open(`${o.dataDir}/images`, logger);
  const runc = new Runc(runtime.paths.runcRoot);
  await ensureDir(join(o.dataDir, 'api'), 0o700);
  const store = ObjectStore.open(join(o.dataDir, 'api', 'store.db'), {
    log: logger,
    transformer: storedDataTransformer(encryptionKey),
  });
  const prometheus = new MetricsRegistry();
  ensureInitialNamespaces(store);
  const pki = await apiPki(o.dataDir, listen.host);
  const serviceAccountTokens = new ServiceAccountTokens(
    await ensureServiceAccountKey(pki.dir),
    defaultIssuer(o.clusterDomain),
    store,
  );
  const namespaces = new NamespaceController(store, logger, pki.ca);
  namespaces.start();
  const endpointsController = new EndpointsController({ store, logger });
  endpointsController.start();
  const serviceProxy = new ServiceProxy({
    store,
    bridge: o.bridge,
    podCidr: o.podCidr,
    serviceCidr: o.serviceCidr,
    logger,
  });
  await serviceProxy.start();
  ensureDefaultStorageClass(store);
  ensureSystemPriorityClasses(store);
  const volumes = new VolumeController({
    store,
    logger,
    nodeName: o.nodeName,
    volumesDir: join(resolve(o.dataDir), 'volumes'),
  });
  volumes.start();
  const node = await readNodeFacts(o.nodeName, o.dataDir, await runtimeVersion());
  const eviction = evictionSettings(o, {
    memoryBytes: BigInt(node.memoryBytes),
    ephemeralStorageBytes: BigInt(node.ephemeralStorageBytes),
  });
  const allocatable = {
    ...nodeAllocatable(node, eviction.reservation, podCapacity),
    extendedResources,
  };
  const bridge: ApiBridge = new ApiBridge(store, node, () => images.list(), logger, {
    allocatable,
    // Read only once the bridge starts, after the kubelet exists.
    pressure: (): readonly PressureCondition[] => kubelet.pressureConditions(),
  });
  const events = new StoreEventRecorder(store, o.nodeName, logger);
  const puller = registryPuller({
    store: images,
    insecureRegistries: o.insecureRegistry,
    nodeCredentials: await registryCredentials(o),
    progressTimeoutMs: pullProgressTimeoutMs(o),
    podCredentials: (pod) => bridge.pullCredentials(pod),
  });
  const clusterDns = await startClusterDns({
    listen: o.clusterDns,
    bridge: o.bridge,
    podCidr: o.podCidr,
    zone: o.clusterDomain,
    store,
    hostResolvConf: await readFile(o.resolvConf, 'utf8').catch(() => ''),
    logger,
  });
  const kubelet: Kubelet = new Kubelet({
    metrics: prometheus,
    runtime,
    images: new ImageManager({ lookup: (ref) => images.get(ref), pull: puller, events }),
    events,
    logger,
    clusterDomain: o.clusterDomain,
    hostResolvConfPath: o.resolvConf,
    ...(clusterDns ? { clusterDns: [clusterDns.address] } : {}),
    podPidsLimit: Number(o.podPidsLimit),
    shmSizeBytes: 64 * 1024 * 1024,
    exec: (id, command, timeoutMs, signal) =>
      execSync(runc, id, command, { timeoutMs, ...(signal ? { signal } : {}) }),
    sources: o.manifests ? ['file', 'api'] : ['api'],
    nodeIP: node.internalIP,
    allocatable,
    nodePressure: nodePressureConfig(o, runtime, node, eviction),
    nodeEvent: (event) => bridge.recordNodeEvent(event),
    pressureChanged: () => bridge.refreshNode(),
    status: bridge,
    objects: bridge,
    tokens: new TokenManager(podTokenSource(store, serviceAccountTokens)).tokenSource,
  });
  const loadManifests = async (): Promise<void> => {
    if (!o.manifests) return;
    const { pods, errors } = await readStaticPods(o.manifests, o.nodeName);
    for (const e of errors) logger.error({ source: e.source, field: e.field }, formatManifestError(e));
    // A file that cannot be read keeps no pod; its error names the file and field, other pods are untouched.
    kubelet.setPods('file', pods);
  };
  await kubelet.start();
  const metrics = new MetricsCollector(runtime, logger);
  metrics.start();
  const logRotation = new LogRotation(runtime, logRotationOptions(o), logger);
  logRotation.start();
  await loadManifests();
  bridge.start(
    (pods) => kubelet.setPods('api', pods),
    (namespace, name) => kubelet.resync('file', namespace, name),
  );
  // After the Node exists: a pod waiting from before the restart is placed, not told there is no node.
  const scheduler = new Scheduler({ store, nodeName: o.nodeName, logger });
  scheduler.start();
  const stopWatch = o.manifests
    ? watchManifestDir(
        o.manifests,
        () => void loadManifests().catch((err) => logger.error({ err }, 'manifest reload failed')),
        logger,
      )
    : () => undefined;
  const api = await ApiServer.start({
    store,
    pki,
    serviceAccountTokens,
    host: listen.host,
    port: listen.port,
    nodeName: o.nodeName,
    serviceCidr: o.serviceCidr,
    logger,
    logPath: (ns, name, uid, container, attempt) =>
      runtime.paths.containerLog(ns, name, uid, container, attempt),
    exec: (id, command) => runc.exec(id, command),
    ttyExec: (id, command) => startTerminalExec(runc, id, command),
    attach: (id) => attachToContainer(runtime.paths.socketDir, id),
    portForward: netnsDialer(async (namespace, name) => {
      const sandbox = (await runtime.sandboxes.list()).find(
        (s) => s.record.podNamespace === namespace && s.record.podName === name && s.state === 'ready',
      );
      if (!sandbox) return undefined;
      // A hostNetwork sandbox has no netns of its own: its pause process is in the host's.
      const netnsPath = sandbox.record.netnsPath || `/proc/${sandbox.pid}/ns/net`;
      return { sandboxId: sandbox.record.id, netnsPath };
    }),
    metrics: () => metrics.latest(),
    inspect: (namespace, name) =>
      inspectPod({ paths: runtime.paths, runc, cgroups: runtime.cgroups }, namespace, name),
    prometheus: new ApiMetrics(prometheus, store, o.nodeName),
    inflight: { readOnly: o.maxRequestsInflight, mutating: o.maxMutatingRequestsInflight },
  });
  // Before anything names the address: pods learn it from the `kubernetes` Service written below.
  if (!o.podApiAccess) await serviceProxy.closeApiPort(api.port);
  const url = `https://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${api.port}`;
  await writeApiAddress(o.dataDir, url);
  ensureKubernetesService(store, {
    serviceCidr: o.serviceCidr,
    address: ['0.0.0.0', '::', ''].includes(listen.host) ? node.internalIP : listen.host,
    port: api.port,
  });
  logger.info(
    { dataDir: o.dataDir, api: url, manifests: o.manifests, bridge: o.bridge, podCidr: o.podCidr },
    'podlet serving',
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
  });
  // Containers outlive the daemon on purpose: stopping podlet stops only podlet.
  logger.info('shutting down; pods keep running');
  stopWatch();
  await api.close();
  metrics.stop();
  logRotation.stop();
  bridge.stop();
  namespaces.stop();
  await scheduler.stop();
  endpointsController.stop();
  // The rules go with the daemon: a stopped podlet leaves no nftables table behind.
  await serviceProxy.stop().catch((err: unknown) => logger.error({ err }, 'service rules not removed'));
  await volumes.stop();
  await kubelet.stop();
  await clusterDns?.close();
  store.close();
  if ((await runtime.listPods()).length === 0) {
    await runtime.network.removeBridge();
    await runtime.cgroups.removeParentIfEmpty();
    await runtime.unmountRunDir();
  }
}

/** The kubelet's TokenRequests, made in-process: a token bound to the pod, as the kubelet asks for one. */
function podTokenSource(store: ObjectStore, tokens: ServiceAccountTokens): TokenSource {
  return (request) => {
    const issued = requestServiceAccountToken(store, tokens, {
      namespace: request.namespace,
      serviceAccountName: request.serviceAccountName,
      audiences: request.audiences,
      expirationSeconds: request.expirationSeconds,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: request.pod.name, uid: request.pod.uid },
    });
    return Promise.resolve({ token: issued.token, expirationTimestamp: issued.expirationTimestamp });
  };
}

/**
 * The eviction manager's signals: the machine's memory, the pods' cgroup (the kubelet's kubepods) limited to
 * capacity less kube and system reservations, and the data dir's filesystem.
 */
function nodePressureConfig(
  o: ServeOptions,
  runtime: ContainerRuntime,
  node: NodeFacts,
  eviction: EvictionSettings,
): NodePressureConfig {
  const capacity = BigInt(node.memoryBytes);
  const podsLimit = capacity - eviction.reserved.memoryBytes;
  return {
    thresholds: eviction.thresholds,
    pressureTransitionPeriodMs: eviction.pressureTransitionPeriodMs,
    signals: {
      cgroupMode: runtime.cgroups.mode,
      cgroupRoot: DEFAULT_CGROUP_ROOT,
      memoryCapacityBytes: capacity,
      podsMemoryLimitBytes: podsLimit > 0n ? podsLimit : 0n,
      podsWorkingSet: async () =>
        (await runtime.cgroups.readCpuAndMemory(parentCgroupPath(o.cgroupParent)).catch(() => undefined))
          ?.workingSetBytes ?? 0,
      dataDir: o.dataDir,
    },
  };
}

/** `runc://1.1.5`: nodeInfo.containerRuntimeVersion names the runtime the way CRI runtimes do. */
async function runtimeVersion(): Promise<string> {
  const { stdout } = await run('runc', ['--version'], { timeoutMs: 10_000 });
  return `runc://${/runc version (\S+)/.exec(stdout)?.[1] ?? 'unknown'}`;
}
