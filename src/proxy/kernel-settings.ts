// The two kernel settings the Service data plane depends on, read or changed for podlet's own bridge only.
import { readFile, writeFile } from 'node:fs/promises';
import { isNotFound } from '../util/fs.js';

/**
 * net.ipv4.conf.<bridge>.route_localnet: a NodePort on 127.0.0.1 DNATs a locally made packet to a pod, and the
 * kernel refuses a 127.0.0.1 source (and the reply to it) on any device without this flag. Setting it on podlet's
 * bridge alone, rather than `all`, keeps every other interface as strict as before; `restore` puts back the value
 * found.
 */
export class RouteLocalnet {
  private original: string | undefined;

  constructor(private readonly bridge: string) {}

  private get path(): string {
    return `/proc/sys/net/ipv4/conf/${this.bridge}/route_localnet`;
  }

  /** Turns the flag on; false when the bridge does not exist yet (it appears with the first pod). */
  async enable(): Promise<boolean> {
    const current = await readSetting(this.path);
    if (current === undefined) return false;
    if (current === '1') return true;
    this.original ??= current;
    await writeFile(this.path, '1');
    return true;
  }

  /** Puts back the value found before `enable`; a bridge deleted since took the setting with it. */
  async restore(): Promise<void> {
    if (this.original === undefined) return;
    const value = this.original;
    this.original = undefined;
    await writeFile(this.path, value).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  }
}

/**
 * Whether bridged IPv4 frames pass netfilter (br_netfilter loaded with bridge-nf-call-iptables, globally or for
 * this bridge): only then does a backend's direct reply to a pod on the same bridge get un-NATed.
 */
export async function bridgeNetfilterEnabled(bridge: string): Promise<boolean> {
  const [global, own] = await Promise.all([
    readSetting('/proc/sys/net/bridge/bridge-nf-call-iptables'),
    readSetting(`/sys/class/net/${bridge}/bridge/nf_call_iptables`),
  ]);
  return global === '1' || own === '1';
}

async function readSetting(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
