// Registry credentials in docker's config.json shape (`{"auths": {"host": {"auth": base64("user:pass")}}}`), which is
// also the `.dockerconfigjson` of a kubernetes.io/dockerconfigjson secret (kubernetes pkg/credentialprovider/config.go).
import { readFile } from 'node:fs/promises';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Credentials by registry host (`host` or `host:port`), the key a reference's domain is looked up with. */
export type CredentialMap = ReadonlyMap<string, RegistryCredentials>;

export class DockerConfigError extends Error {
  constructor(
    readonly source: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`registry config ${source}: ${reason}`, options);
    this.name = 'DockerConfigError';
  }
}

/** Docker Hub's legacy keys all mean the registry that references call `docker.io` (kubernetes credentialprovider). */
const DOCKER_HUB_ALIASES = new Set(['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** Parses the JSON text of a docker config or a dockerconfigjson secret; `source` names it in errors. */
export function parseDockerConfig(text: string, source: string): Map<string, RegistryCredentials> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    throw new DockerConfigError(source, 'is not valid JSON', { cause: e });
  }
  if (!isObject(document) || !isObject(document.auths)) {
    throw new DockerConfigError(source, 'has no "auths" object');
  }
  const credentials = new Map<string, RegistryCredentials>();
  for (const [key, entry] of Object.entries(document.auths)) {
    if (!isObject(entry)) throw new DockerConfigError(source, `auths["${key}"] is not an object`);
    credentials.set(registryHostOf(key), credentialsOf(entry, `auths["${key}"]`, source));
  }
  return credentials;
}

export async function loadDockerConfig(file: string): Promise<Map<string, RegistryCredentials>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new DockerConfigError(file, 'cannot be read', { cause: e });
  }
  return parseDockerConfig(text, file);
}

/**
 * The host a config key stands for: keys may be URLs (`https://index.docker.io/v1/`) or bare `host:port`, as
 * credentialprovider's parseSchemelessURL accepts them.
 */
export function registryHostOf(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]
    ?.toLowerCase();
  if (host === undefined || host === '') return key;
  return DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
}

/** `auth` (base64 of `user:pass`) wins over separate username/password fields, as in docker's config loader. */
function credentialsOf(entry: Record<string, unknown>, what: string, source: string): RegistryCredentials {
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new DockerConfigError(source, `${what}.auth is not base64 of "user:password"`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') {
    return { username: entry.username, password: entry.password };
  }
  throw new DockerConfigError(source, `${what} has neither "auth" nor "username" and "password"`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
