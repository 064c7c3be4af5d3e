import { join } from 'node:path';
import { runUnchecked } from '../util/exec.js';
import { CniPluginError, type CniErrorJson } from './errors.js';

/** One call of one CNI plugin binary (CNI spec, "Protocol parameters"). */
export interface CniInvocation {
  binDir: string;
  type: string;
  command: 'ADD' | 'DEL';
  containerId: string;
  /** Empty on DEL when the namespace is already gone: the spec lets plugins release what they hold anyway. */
  netnsPath: string;
  ifName: string;
  /** CNI_ARGS as key=value pairs. */
  args: [string, string][];
  stdin: Record<string, unknown>;
  timeoutMs: number;
}

/** Plugins exec iptables, ip6tables and their IPAM plugin: they need a PATH, and nothing else of ours. */
const PLUGIN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs the plugin and returns its parsed stdout (the result for ADD, nothing for DEL). */
export async function invokeCniPlugin(call: CniInvocation): Promise<unknown> {
  const fail = (cniError: CniErrorJson | undefined, stderr: string, cause?: unknown): CniPluginError =>
    new CniPluginError(call.type, call.command, call.containerId, cniError, stderr, cause ? { cause } : {});
  let result;
  try {
    result = await runUnchecked(join(call.binDir, call.type), [], {
      input: JSON.stringify(call.stdin),
      timeoutMs: call.timeoutMs,
      env: pluginEnv(call),
    });
  } catch (e) {
    throw fail(undefined, '', e);
  }
  if (result.exitCode !== 0) throw fail(parseCniError(result.stdout), result.stderr);
  if (call.command === 'DEL' || result.stdout.trim() === '') return undefined;
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch (e) {
    throw fail({ msg: `unparsable result: ${result.stdout.slice(0, 200)}` }, result.stderr, e);
  }
}

function pluginEnv(call: CniInvocation): NodeJS.ProcessEnv {
  return {
    PATH: PLUGIN_PATH,
    CNI_COMMAND: call.command,
    CNI_CONTAINERID: call.containerId,
    CNI_NETNS: call.netnsPath,
    CNI_IFNAME: call.ifName,
    CNI_PATH: call.binDir,
    CNI_ARGS: call.args.map(([k, v]) => `${k}=${v}`).join(';'),
  };
}

/** The error JSON a failing plugin prints on stdout, or undefined when it printed something else. */
export function parseCniError(stdout: string): CniErrorJson | undefined {
  try {
    const value = JSON.parse(stdout) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const { code, msg, details } = value as Record<string, unknown>;
    const out: CniErrorJson = {};
    if (typeof code === 'number') out.code = code;
    if (typeof msg === 'string') out.msg = msg;
    if (typeof details === 'string') out.details = details;
    return Object.keys(out).length > 0 ? out : undefined;
  } catch {
    return stdout.trim() ? { msg: stdout.trim().slice(0, 500) } : undefined;
  }
}
