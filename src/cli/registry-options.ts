import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadDockerConfig, type CredentialMap } from '../image/registry/docker-config.js';

export interface RegistryOptions {
  insecureRegistry: string[];
  registryConfig?: string;
}

/** `--insecure-registry` and `--registry-config`, the same for `podlet serve` and `podlet image pull`. */
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
    );
}

export async function registryCredentials(options: RegistryOptions): Promise<CredentialMap> {
  return options.registryConfig === undefined ? new Map() : loadDockerConfig(resolve(options.registryConfig));
}
