// The kubelet's cgroupfs-driver layout (pkg/kubelet/cm/cgroup_manager_linux.go, qos_container_manager_linux.go,
// pod_container_manager_linux.go): Guaranteed pods sit directly in the parent, the other classes in a QoS cgroup.
import type { QosClass } from '../../api/qos.js';
import { CgroupError } from './types.js';

const POD_PREFIX = 'pod';
const QOS_DIRS: Record<QosClass, string | undefined> = {
  Guaranteed: undefined,
  Burstable: 'burstable',
  BestEffort: 'besteffort',
};
export const QOS_CLASSES: readonly QosClass[] = ['Guaranteed', 'Burstable', 'BestEffort'];

/** '/<parent>', with the parent's own slashes normalised ('podlet', '/a/b/' -> '/a/b'). */
export function parentCgroupPath(parent: string): string {
  const segments = parent.split('/').filter((s) => s !== '');
  if (segments.length === 0) throw new CgroupError('empty cgroup parent', parent);
  for (const segment of segments) assertSegment('cgroup parent', segment);
  return `/${segments.join('/')}`;
}

/** The cgroup holding a QoS class's pods: the parent itself for Guaranteed. */
export function qosCgroupPath(parent: string, qos: QosClass): string {
  const dir = QOS_DIRS[qos];
  return dir === undefined ? parentCgroupPath(parent) : `${parentCgroupPath(parent)}/${dir}`;
}

/** '/podlet/pod<uid>', '/podlet/burstable/pod<uid>', '/podlet/besteffort/pod<uid>'. */
export function podCgroupPath(parent: string, podUid: string, qos: QosClass): string {
  assertSegment('pod UID', podUid);
  return `${qosCgroupPath(parent, qos)}/${POD_PREFIX}${podUid}`;
}

/** The cgroups from the parent down to the pod's, outermost first. */
export function podCgroupChain(parent: string, podUid: string, qos: QosClass): string[] {
  const chain = [parentCgroupPath(parent)];
  if (QOS_DIRS[qos] !== undefined) chain.push(qosCgroupPath(parent, qos));
  chain.push(podCgroupPath(parent, podUid, qos));
  return chain;
}

/** What runc gets as linux.cgroupsPath with the cgroupfs driver: the container ID below the pod cgroup. */
export function containerCgroupPath(podPath: string, containerId: string): string {
  assertSegment('container ID', containerId);
  return `${podPath}/${containerId}`;
}

/** The pod UID of a cgroup directory name, or undefined when the name is not a pod cgroup's. */
export function podUidOf(dirName: string): string | undefined {
  return dirName.startsWith(POD_PREFIX) && dirName.length > POD_PREFIX.length
    ? dirName.slice(POD_PREFIX.length)
    : undefined;
}

// One path segment: a '/' or '..' would put the cgroup somewhere else in the hierarchy.
function assertSegment(what: string, value: string): void {
  if (value === '' || value === '.' || value === '..' || value.includes('/') || value.includes('\0')) {
    throw new CgroupError(`invalid ${what}`, value);
  }
}
