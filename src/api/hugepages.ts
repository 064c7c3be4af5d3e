// Huge pages as Kubernetes names and counts them (pkg/apis/core/v1/helper/helpers.go HugePageResourceName,
// HugePageSizeFromResourceName, HugePageSizeFromMedium; pkg/kubelet/cm/helpers_linux.go HugePageLimits) and the
// page size a `medium: HugePages` emptyDir is mounted with (pkg/volume/emptydir/empty_dir.go getPageSizeMountOption).
import type { Pod } from 'kubernetes-types/core/v1.js';
import { formatQuantity, nanosToUnits, parseQuantity, quantityToBytes } from './quantity.js';
import type { ResourceAmounts } from './resources.js';

/** Bytes of huge pages by page size in bytes: what a container or pod may hold of each size. */
export type HugePageLimits = ReadonlyMap<bigint, bigint>;

const RESOURCE_PREFIX = 'hugepages-';
const MEDIUM_PREFIX = 'HugePages-';

/** `hugepages-2Mi` for 2 MiB pages: the page size as a binary quantity. */
export function hugePageResourceName(pageSizeBytes: bigint): string {
  return `${RESOURCE_PREFIX}${formatQuantity({ unscaled: pageSizeBytes, exponent: 0, format: 'BinarySI' })}`;
}

/** The page size in bytes of a `hugepages-<size>` resource; undefined for any other name or a bad size. */
export function hugePageSizeFromResourceName(name: string): bigint | undefined {
  if (!name.startsWith(RESOURCE_PREFIX)) return undefined;
  return positiveBytes(name.slice(RESOURCE_PREFIX.length));
}

/** The page size of a `HugePages-<size>` medium; undefined for plain `HugePages` (and for anything else). */
export function hugePageSizeFromMedium(medium: string): bigint | undefined {
  if (!medium.startsWith(MEDIUM_PREFIX)) return undefined;
  return positiveBytes(medium.slice(MEDIUM_PREFIX.length));
}

export function isHugePageMedium(medium: string | undefined): boolean {
  return medium === 'HugePages' || (medium?.startsWith(MEDIUM_PREFIX) ?? false);
}

/** The huge page amounts of a resource list (in nano-units, as ResourceAmounts holds them), by page size. */
export function hugePageLimits(amounts: ResourceAmounts): Map<bigint, bigint> {
  const limits = new Map<bigint, bigint>();
  for (const [name, nanos] of amounts) {
    const size = hugePageSizeFromResourceName(name);
    if (size !== undefined) limits.set(size, (limits.get(size) ?? 0n) + nanosToUnits(nanos));
  }
  return limits;
}

export class HugePageMediumError extends Error {
  override name = 'HugePageMediumError';
}

/**
 * `pagesize=2Mi`: the hugetlbfs option of a huge page emptyDir. `HugePages` takes the one page size the pod's
 * containers request (init containers included); `HugePages-<size>` needs a request of that size.
 */
export function hugePageMountOption(medium: string, pod: Pod): string {
  const mediumSize = medium === 'HugePages' ? undefined : hugePageSizeFromMedium(medium);
  if (medium !== 'HugePages' && mediumSize === undefined)
    throw new HugePageMediumError(`unknown storage medium "${medium}"`);
  let found: bigint | undefined;
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of containers) {
    for (const name of Object.keys(c.resources?.requests ?? {})) {
      const size = hugePageSizeFromResourceName(name);
      if (size === undefined) continue;
      if (mediumSize === undefined) {
        if (found !== undefined && found !== size)
          throw new HugePageMediumError(
            `medium: ${medium} can't be used if container requests multiple huge page sizes`,
          );
        found = size;
      } else if (size === mediumSize) found = size;
    }
  }
  if (found === undefined)
    throw new HugePageMediumError(
      `medium ${medium}: hugePages storage requested, but there is no resource request for huge pages`,
    );
  return `pagesize=${formatQuantity({ unscaled: found, exponent: 0, format: 'BinarySI' })}`;
}

function positiveBytes(text: string): bigint | undefined {
  try {
    const bytes = quantityToBytes(parseQuantity(text));
    return bytes > 0n ? bytes : undefined;
  } catch {
    return undefined;
  }
}
