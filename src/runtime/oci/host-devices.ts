// A privileged container gets the host's devices, as containerd's WithHostDevices gives them (pkg/oci
// utils_unix.go HostDevices): every character and block device under /dev, except the pseudo-terminal, shm,
// mqueue and fd trees and the console, which the runtime makes its own.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LinuxDevice } from './types.js';

const SKIPPED_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);
const SKIPPED_FILES = new Set(['console']);

/** Linux's new_encode_dev split: 12 bits of major, 20 of minor, interleaved in a 64-bit dev_t. */
export function splitDeviceNumber(rdev: number): { major: number; minor: number } {
  const dev = BigInt(rdev);
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return { major, minor };
}

export async function readHostDevices(dir = '/dev'): Promise<LinuxDevice[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const devices: LinuxDevice[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) devices.push(...(await readHostDevices(path)));
      continue;
    }
    if (SKIPPED_FILES.has(entry.name) || !(entry.isCharacterDevice() || entry.isBlockDevice())) continue;
    // Gone since the listing (hot-unplug): skip it, as containerd does.
    const info = await lstat(path).catch(() => undefined);
    if (!info) continue;
    devices.push({
      path,
      type: entry.isBlockDevice() ? 'b' : 'c',
      ...splitDeviceNumber(info.rdev),
      fileMode: info.mode & 0o777,
      uid: info.uid,
      gid: info.gid,
    });
  }
  return devices;
}
