// The container's argv and environment: Kubernetes command/args over the image's Entrypoint/Cmd (kubelet
// pkg/kubelet/container/helpers.go ExpandContainerCommandAndArgs; containerd internal/cri/opts/spec_opts.go
// WithProcessArgs) and the env list containerd builds (internal/cri/server/container_create.go buildLinuxSpec).
import type { Container } from 'kubernetes-types/core/v1.js';
import { expandVariables, lookupIn } from '../../api/expansion.js';
import type { ImageConfig } from '../../image/types.js';
import { DEFAULT_PATH } from './defaults.js';
import { ContainerConfigError } from './errors.js';

export interface EnvVar {
  name: string;
  value: string;
}

/**
 * command replaces the Entrypoint and drops the Cmd; args alone replace the Cmd; neither runs Entrypoint + Cmd. An
 * Entrypoint of exactly [""] counts as none (docker's way to clear it). `$(VAR)` in command and args refers to the
 * kubelet's env only: image ENV, HOSTNAME and PATH are not visible to it.
 */
export function processArgs(container: Container, image: ImageConfig, env: readonly EnvVar[]): string[] {
  const lookup = lookupIn(env);
  let command = (container.command ?? []).map((c) => expandVariables(c, lookup));
  let args = (container.args ?? []).map((a) => expandVariables(a, lookup));
  if (command.length === 0) {
    if (args.length === 0) args = [...(image.Cmd ?? [])];
    const entrypoint = image.Entrypoint ?? [];
    if (!(entrypoint.length === 1 && entrypoint[0] === '')) command = [...entrypoint];
  }
  if (command.length === 0 && args.length === 0) throw new ContainerConfigError('no command specified');
  return [...command, ...args];
}

export interface EnvInput {
  imageEnv: readonly string[];
  env: readonly EnvVar[];
  hostname: string;
  tty: boolean;
}

/**
 * containerd's order: the default PATH, TERM=xterm with a tty, HOSTNAME, then the image ENV and the kubelet's env.
 * A later value of a name replaces the earlier one in its first position (runc sets the list one by one, so the last
 * value wins anyway); an image entry without `=` unsets the name.
 */
export function processEnv(input: EnvInput): string[] {
  const env = new Map<string, string>();
  const [pathName, pathValue] = splitEnv(DEFAULT_PATH);
  env.set(pathName, pathValue ?? '');
  if (input.tty) env.set('TERM', 'xterm');
  env.set('HOSTNAME', input.hostname);
  for (const entry of input.imageEnv) {
    const [name, value] = splitEnv(entry);
    if (value === undefined) env.delete(name);
    else env.set(name, value);
  }
  for (const { name, value } of input.env) env.set(name, value);
  return [...env].map(([name, value]) => `${name}=${value}`);
}

function splitEnv(entry: string): [string, string | undefined] {
  const eq = entry.indexOf('=');
  return eq === -1 ? [entry, undefined] : [entry.slice(0, eq), entry.slice(eq + 1)];
}
