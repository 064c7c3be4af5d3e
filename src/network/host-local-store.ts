import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound } from '../util/fs.js';
import { parseIpv4 } from './ipv4-cidr.js';

/** One address host-local has reserved: the file `<dataDir>/<network>/<ip>` holds `<containerId>\r\n<ifname>`. */
export interface IpamAllocation {
  ip: string;
  containerId: string;
  ifName?: string;
}

/**
 * Reads host-local's reservations of one network (plugins/ipam/host-local/backend/disk/backend.go). Files that are
 * not named by an address (`lock`, `last_reserved_ip.0`) are host-local's bookkeeping, not reservations.
 */
export async function readIpamAllocations(ipamDataDir: string, network: string): Promise<IpamAllocation[]> {
  const dir = join(ipamDataDir, network);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
  const out: IpamAllocation[] = [];
  for (const ip of names.filter((n) => parseIpv4(n) !== undefined).sort()) {
    const content = await readFile(join(dir, ip), 'utf8').catch((e: unknown) => {
      if (isNotFound(e)) return undefined; // released while we listed
      throw e;
    });
    if (content === undefined) continue;
    const [containerId = '', ifName] = content.split(/\r?\n/).map((l) => l.trim());
    out.push({ ip, containerId, ...(ifName ? { ifName } : {}) });
  }
  return out;
}
