// Which cgroup version the host runs, the way runc and the kubelet decide (libcontainer cgroups.IsCgroup2UnifiedMode):
// the unified hierarchy is mounted at the root itself. A hybrid host (v1 hierarchies plus /sys/fs/cgroup/unified)
// counts as v1, since the resource controllers live in the v1 hierarchies.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { exists, isNotFound } from '../../util/fs.js';
import { DEFAULT_CGROUP_ROOT } from './manager.js';
import { CgroupError, type CgroupMode } from './types.js';

export async function detectCgroupMode(root = DEFAULT_CGROUP_ROOT): Promise<CgroupMode> {
  if (await exists(join(root, 'cgroup.controllers'))) return 'v2';
  const names = await readdir(root).catch((e: unknown) => {
    if (isNotFound(e)) return [];
    throw new CgroupError('cannot list cgroup root', root, { cause: e });
  });
  const controllers = names.flatMap((name) => name.split(','));
  if (controllers.includes('cpu') && controllers.includes('memory')) return 'v1';
  throw new CgroupError('no cgroup v2 hierarchy and no cgroup v1 cpu and memory hierarchies', root);
}
