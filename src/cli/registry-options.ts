import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadDockerConfig, type CredentialMap } from '../image/registry/docker-config.js';
import { parseGoDuration } from '../kubelet/eviction/eviction-config.js';

export interface RegistryOptions {
  insecureRegistry: string[];
  registryConfig?: string;
  imagePullProgressTimeout: string;
}

/** `--insecure-registry`, `--registry-config` and the pull's stall timeout, the same for `serve` and `image pull`. */
export function withRegistryOptions(command: Command): Command {
  return command
    .option(
      '--insecure-registry <host:port>',
      'speak plain HTTP to this registry (repeatable); all others use HTTPS',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option(
      '--registry-config <file>',
      'registry credentials: a docker config.json or the .dockerconfigjson of a Kubernetes secret',
    )
    .option(
      '--image-pull-progress-timeout <duration>',
      'a pull fails when the registry sends nothing for this long (containerd image_pull_progress_timeout)',
      '30s',
    );
}

export async function registryCredentials(options: RegistryOptions): Promise<CredentialMap> {
  return options.registryConfig === undefined ? new Map() : loadDockerConfig(resolve(options.registryConfig));
}

/** The registry client's progress timeout, from `--image-pull-progress-timeout` (a Go duration above 0). */
export function pullProgressTimeoutMs(options: RegistryOptions): number {
  const ms = parseGoDuration(options.imagePullProgressTimeout);
  if (!(ms > 0)) {
    throw new Error(`--image-pull-progress-timeout ${options.imagePullProgressTimeout}: must be above 0`);
  }
  return ms;
}
