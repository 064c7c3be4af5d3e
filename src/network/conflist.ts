import { NetworkConfigError } from './errors.js';
import { formatCidr, parsePodCidr } from './ipv4-cidr.js';

/** One plugin entry of a CNI network configuration list (CNI spec, "Network configuration lists"). */
export interface CniPluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface CniNetConfList {
  cniVersion: string;
  name: string;
  plugins: CniPluginConf[];
}

/** Values the runtime hands to plugins that declare the matching capability (CNI CONVENTIONS.md). */
export type CniRuntimeArgs = Record<string, unknown>;

export interface PodConflistOptions {
  bridge: string;
  podCidr: string;
  /** Services' ClusterIPs: pods route them to the gateway, where podlet's service proxy takes them. */
  serviceCidr?: string | undefined;
  /** host-local keeps its allocations here, one directory per network name. */
  ipamDataDir: string;
}

export const CNI_VERSION = '1.0.0';
/** Linux interface names hold at most 15 bytes (IFNAMSIZ - 1). */
const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;

export const LOOPBACK_PLUGIN: CniPluginConf = { type: 'loopback' };
/** The loopback network every pod gets on `lo`, as containerd's CRI plugin sets it up. */
export const LOOPBACK_CONFLIST: CniNetConfList = {
  cniVersion: CNI_VERSION,
  name: 'cni-loopback',
  plugins: [LOOPBACK_PLUGIN],
};

/**
 * podlet's pod network: a bridge with host-local IPAM, then portmap for hostPorts. No default route and no
 * masquerading (docs/decisions/0003-no-default-route.md): pods reach their subnet, the host and the service range
 * (through the gateway, where the service proxy rewrites it), nothing off the machine.
 */
export function buildPodConflist(o: PodConflistOptions): CniNetConfList {
  checkBridgeName(o.bridge);
  const subnet = formatCidr(parsePodCidr(o.podCidr));
  return {
    cniVersion: CNI_VERSION,
    name: o.bridge,
    plugins: [
      {
        type: 'bridge',
        bridge: o.bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet }]],
          ...(o.serviceCidr ? { routes: [{ dst: formatCidr(parsePodCidr(o.serviceCidr)) }] } : {}),
          dataDir: o.ipamDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: false },
    ],
  };
}

export function checkBridgeName(name: string): void {
  if (!IFNAME.test(name)) {
    throw new NetworkConfigError(
      `bridge name ${JSON.stringify(name)} is not a Linux interface name (1-15 of letters, digits, '_', '.', '-')`,
    );
  }
}

/**
 * The stdin of one plugin of a list, as libcni builds it (libcni/api.go buildOneConfig): the list's name and
 * cniVersion, the previous result, and `runtimeConfig` holding only the capabilities the plugin declares.
 */
export function pluginStdin(
  list: CniNetConfList,
  plugin: CniPluginConf,
  prevResult: unknown,
  runtimeArgs: CniRuntimeArgs,
): Record<string, unknown> {
  const conf: Record<string, unknown> = { ...plugin, name: list.name, cniVersion: list.cniVersion };
  if (prevResult !== undefined) conf.prevResult = prevResult;
  const runtimeConfig: Record<string, unknown> = {};
  for (const [capability, enabled] of Object.entries(plugin.capabilities ?? {})) {
    if (enabled && capability in runtimeArgs) runtimeConfig[capability] = runtimeArgs[capability];
  }
  if (Object.keys(runtimeConfig).length > 0) conf.runtimeConfig = runtimeConfig;
  return conf;
}
