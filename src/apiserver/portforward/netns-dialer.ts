// Dials 127.0.0.1:<port> inside a pod's network namespace. Node cannot setns(2), so the connection is a child:
// `nsenter --net=<netns> socat - TCP:127.0.0.1:<port>`, its stdio the byte pipe. Failures read like containerd's
// (pkg/cri/server/sandbox_portforward_linux.go), under kubelet's prefix (streaming/portforward/httpstream.go).
import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { PodDialer } from './types.js';

/** Where a pod's network namespace is, from its running sandbox; undefined when it has none. */
export type PodNetworkLookup = (
  namespace: string,
  podName: string,
) => Promise<{ sandboxId: string; netnsPath: string } | undefined>;

export class PortForwardDialError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PortForwardDialError';
  }
}

const SOCAT_BUFFER_BYTES = 256 * 1024;

/** socat says this (with -d -d) once connected, before any byte flows. */
const CONNECTED = 'starting data transfer loop';
/** A half-closed connection still carries the other direction, as Go's io.Copy pair in containerd does. */
const HALF_CLOSE_TIMEOUT_S = '3600';

export function netnsDialer(lookup: PodNetworkLookup): PodDialer {
  return async (namespace, podName, port) => {
    const network = await lookup(namespace, podName);
    if (network === undefined) {
      throw new PortForwardDialError(`pod ${namespace}/${podName} has no running sandbox`);
    }
    const prefix = `error forwarding port ${port} to pod ${network.sandboxId}, uid : failed to execute portforward in network namespace "${network.netnsPath}"`;
    const child = spawn(
      'nsenter',
      [
        `--net=${network.netnsPath}`,
        'socat',
        '-d',
        '-d',
        // Large reads: socat's 8 KiB default costs a round trip through Node per 8 KiB of a bulk transfer.
        '-b',
        String(SOCAT_BUFFER_BYTES),
        '-t',
        HALF_CLOSE_TIMEOUT_S,
        '-',
        `TCP:127.0.0.1:${port}`,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    try {
      await connected(child);
    } catch (err) {
      const reason = (err as Error).message;
      const refused = /Connection refused/i.test(reason)
        ? `failed to connect to localhost:${port} inside namespace "${network.sandboxId}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused `
        : reason;
      throw new PortForwardDialError(`${prefix}: ${refused}`, { cause: err });
    }
    return childPipe(child);
  };
}

function connected(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(CONNECTED)) {
        child.stderr?.off('data', onData);
        // Later notices (the end of the transfer) are drained and dropped.
        child.stderr?.resume();
        child.off('close', onClose);
        resolve();
      }
    };
    const onClose = (code: number | null) =>
      reject(
        new Error(
          `socat command returns error: exit status ${code ?? 'signal'}, stderr: ${JSON.stringify(errorLines(stderr))}`,
        ),
      );
    child.stderr?.on('data', onData);
    child.once('close', onClose);
    child.once('error', reject);
  });
}

/** socat's own error lines ("... E connect(...): Connection refused"), without its notices. */
function errorLines(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => / E /.test(l))
    .map((l) => l.replace(/^.* E /, ''))
    .join('\n');
}

/** The child's stdio as one Duplex; destroying it kills (and so reaps) the child. */
function childPipe(child: ChildProcess): Duplex {
  const stdout = child.stdout!;
  const stdin = child.stdin!;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const pipe = new Duplex({
    allowHalfOpen: true,
    read() {
      stdout.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      // Bytes for a connection the pod already closed go nowhere, as with a TCP reset.
      if (exited() || stdin.destroyed) return callback();
      stdin.write(chunk, () => callback());
    },
    final(callback) {
      if (exited() || stdin.destroyed) return callback();
      stdin.end(() => callback());
    },
    destroy(err, callback) {
      if (!exited()) child.kill('SIGKILL');
      callback(err);
    },
  });
  stdout.on('data', (chunk: Buffer) => {
    if (!pipe.push(chunk)) stdout.pause();
  });
  stdout.on('end', () => pipe.push(null));
  // A write racing the child's exit (EPIPE) is the same case as above.
  stdin.on('error', () => undefined);
  return pipe;
}
