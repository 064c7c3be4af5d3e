// A real registry for tests: Debian's docker-registry (distribution v2) on 127.0.0.1, optionally behind htpasswd
// basic auth, with images pushed by skopeo from the OCI layouts the test set-up builds.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { run } from '../../../src/util/exec.js';

const START_DEADLINE_MS = 15_000;

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** Copies `oci:<layout>:<tag>` to `<host>/<repository>`; `reference` is `repo:tag`. */
  push(layoutRef: string, reference: string): Promise<void>;
  stop(): Promise<void>;
}

export interface RegistryCredentialsForTest {
  username: string;
  password: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts a registry storing under `dir`; with `basicAuth` every request needs those credentials. */
export async function startRegistry(
  dir: string,
  basicAuth?: RegistryCredentialsForTest,
): Promise<TestRegistry> {
  await mkdir(dir, { recursive: true });
  const host = `127.0.0.1:${await freePort()}`;
  const lines = ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:'];
  lines.push(`    rootdirectory: ${join(dir, 'registry-data')}`, 'http:', `  addr: ${host}`);
  if (basicAuth) {
    const { stdout } = await run('htpasswd', ['-Bbn', basicAuth.username, basicAuth.password]);
    await writeFile(join(dir, 'htpasswd'), stdout);
    lines.push('auth:', '  htpasswd:', '    realm: podlet-test', `    path: ${join(dir, 'htpasswd')}`);
  }
  const config = join(dir, 'registry.yml');
  await writeFile(config, `${lines.join('\n')}\n`);
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitUntilServing(child, host, () => stderr);
  const creds = basicAuth ? [`--dest-creds=${basicAuth.username}:${basicAuth.password}`] : [];
  return {
    host,
    push: async (layoutRef, reference) => {
      await run(
        'skopeo',
        [
          'copy',
          '--quiet',
          '--dest-tls-verify=false',
          ...creds,
          `oci:${layoutRef}`,
          `docker://${host}/${reference}`,
        ],
        { timeoutMs: 120_000 },
      );
    },
    stop: () => stopProcess(child),
  };
}

async function waitUntilServing(child: ChildProcess, host: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}: ${stderr()}`);
    // 401 is an answer too: a registry behind basic auth is serving.
    const serving = await fetch(`http://${host}/v2/`).then(
      (r) => r.status === 200 || r.status === 401,
      () => false,
    );
    if (serving) return;
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`docker-registry did not answer on ${host} within ${START_DEADLINE_MS}ms: ${stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
