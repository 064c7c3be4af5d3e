// Kernel version checks as the runtimes make them (containerd pkg/kernelversion, kubelet pkg/util/kernel): the
// major and minor numbers at the start of `uname -r` ("6.1.0-18-amd64").

/** Whether the kernel release is at least major.minor; an unreadable release counts as older. */
export function kernelAtLeast(kernelRelease: string, [major, minor]: readonly [number, number]): boolean {
  const match = /^(\d+)\.(\d+)/.exec(kernelRelease);
  if (!match) return false;
  const [have, haveMinor] = [Number(match[1]), Number(match[2])];
  return have > major || (have === major && haveMinor >= minor);
}
