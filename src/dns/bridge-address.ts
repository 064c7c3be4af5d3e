// Cluster DNS listens on the pod bridge's gateway address, which the CNI bridge plugin would only add with the
// first pod. podlet adds the same bridge and address up front, so the server is there before any pod asks it.
import { run, runUnchecked } from '../util/exec.js';
import { formatIpv4, parsePodCidr } from '../network/ipv4-cidr.js';

const IP_TIMEOUT_MS = 10_000;

/** The address host-local hands the bridge as gateway: the first address of the pod CIDR. */
export function bridgeGatewayAddress(podCidr: string): string {
  return formatIpv4(parsePodCidr(podCidr).network + 1);
}

/**
 * Creates the bridge if absent, gives it `<gateway>/<prefix>` if it lacks it, and sets it up. This is exactly what
 * the bridge plugin (isGateway) does on the first ADD, and that plugin accepts an existing bridge holding the
 * same address (plugins/main/bridge ensureAddr), so the two agree.
 */
export async function ensureBridgeAddress(bridge: string, podCidr: string): Promise<string> {
  const gateway = bridgeGatewayAddress(podCidr);
  const prefix = parsePodCidr(podCidr).prefix;
  const link = await runUnchecked('ip', ['-j', 'link', 'show', 'dev', bridge], { timeoutMs: IP_TIMEOUT_MS });
  if (link.exitCode !== 0) {
    await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge'], { timeoutMs: IP_TIMEOUT_MS });
  }
  const shown = await run('ip', ['-j', '-4', 'addr', 'show', 'dev', bridge], { timeoutMs: IP_TIMEOUT_MS });
  const addresses = (
    JSON.parse(shown.stdout || '[]') as { addr_info?: { local?: string; prefixlen?: number }[] }[]
  ).flatMap((l) => l.addr_info ?? []);
  if (!addresses.some((a) => a.local === gateway && a.prefixlen === prefix)) {
    await run('ip', ['addr', 'add', `${gateway}/${prefix}`, 'dev', bridge], { timeoutMs: IP_TIMEOUT_MS });
  }
  await run('ip', ['link', 'set', 'dev', bridge, 'up'], { timeoutMs: IP_TIMEOUT_MS });
  return gateway;
}
