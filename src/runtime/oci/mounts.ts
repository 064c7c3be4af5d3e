// How the CRI plugin merges the runtime's default mounts with the ones it is given
// (containerd internal/cri/opts/spec_linux_opts.go withMounts, orderedMounts in spec_opts.go).
import { posix } from 'node:path';
import { defaultMounts } from './defaults.js';
import type { Mount } from './types.js';

const CGROUP_MOUNT: Mount = {
  destination: '/sys/fs/cgroup',
  type: 'cgroup',
  source: 'cgroup',
  options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
};

/**
 * Default mounts (with /sys/fs/cgroup) first, minus any the caller mounts over and, when the caller supplies /dev,
 * everything under /dev; then the caller's mounts, shallowest destination first so that a parent never hides a child.
 * Of two caller mounts on one destination the later wins.
 */
export function mergeMounts(supplied: readonly Mount[]): Mount[] {
  const byDestination = new Map<string, Mount>();
  for (const m of supplied) {
    const key = cleanPath(m.destination);
    byDestination.delete(key);
    byDestination.set(key, m);
  }
  const suppliesDev = byDestination.has('/dev');
  const defaults = [...defaultMounts(), CGROUP_MOUNT].filter((m) => {
    const dst = cleanPath(m.destination);
    return !byDestination.has(dst) && !(suppliesDev && dst.startsWith('/dev/'));
  });
  // Array.prototype.sort is stable, as Go's sort.Stable that containerd uses.
  const ordered = [...byDestination.entries()].sort(([a], [b]) => depth(a) - depth(b)).map(([, m]) => m);
  return [...defaults.map(copyMount), ...ordered.map(copyMount)];
}

/** A privileged container gets /sys and /sys/fs/cgroup read-write (containerd WithWriteableSysfs/Cgroupfs). */
export function makeSysWritable(mounts: Mount[]): Mount[] {
  return mounts.map((m) =>
    m.type === 'sysfs' || m.type === 'cgroup'
      ? { ...m, options: (m.options ?? []).map((o) => (o === 'ro' ? 'rw' : o)) }
      : m,
  );
}

function cleanPath(p: string): string {
  const clean = posix.normalize(p);
  return clean.length > 1 && clean.endsWith('/') ? clean.slice(0, -1) : clean;
}

function depth(cleanDestination: string): number {
  return cleanDestination.split('/').length - 1;
}

function copyMount(m: Mount): Mount {
  return { ...m, ...(m.options ? { options: [...m.options] } : {}) };
}
