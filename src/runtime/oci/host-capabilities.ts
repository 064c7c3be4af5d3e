// The daemon's own effective capabilities, which stand for "all capabilities" in a container spec
// (containerd pkg/cap Current, read by internal/cri/server/service_linux.go into allCaps).
import { readFile } from 'node:fs/promises';
import { capabilityNamesFromMask } from './capabilities.js';

export class HostCapabilitiesError extends Error {
  override readonly name = 'HostCapabilitiesError';
}

/** Reads CapEff of this process. */
export async function readHostCapabilities(statusPath = '/proc/self/status'): Promise<string[]> {
  return parseEffectiveCapabilities(await readFile(statusPath, 'utf8'));
}

/** The names in the `CapEff:` line of a /proc/<pid>/status text. */
export function parseEffectiveCapabilities(status: string): string[] {
  const hex = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status)?.[1];
  if (hex === undefined) throw new HostCapabilitiesError('no CapEff line in /proc/self/status');
  return capabilityNamesFromMask(BigInt(`0x${hex}`));
}
