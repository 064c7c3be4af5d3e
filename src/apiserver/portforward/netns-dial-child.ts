// The program podlet runs as `nsenter --net=<netns> node netns-dial-child.js`: it sits in the pod's network
// namespace, dials 127.0.0.1:<port> (then [::1]:<port>, as containerd does) for each request on the IPC channel, and
// sends the connected socket back as a handle. podlet then owns a TCP socket of the pod's netns and no byte passes
// through this process. It imports nothing of podlet's at run time, so that it starts fast.
import { connect, type Socket } from 'node:net';
import type { DialFailure, DialReply, DialRequest } from './netns-dial-protocol.js';

const HOSTS = ['127.0.0.1', '::1'] as const;

function dialOne(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    // Not a byte may be read here: whatever the pod's server says first (an SSH or SMTP banner) belongs to the
    // socket podlet receives, and a paused socket is never read before it is handed over.
    socket.pause();
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function failure(err: unknown): DialFailure {
  const e = err as NodeJS.ErrnoException;
  return { code: e.code ?? 'UNKNOWN', message: e.message };
}

async function dial({ id, port }: DialRequest): Promise<void> {
  const failures: DialFailure[] = [];
  for (const host of HOSTS) {
    try {
      const socket = await dialOne(host, port);
      // keepOpen false (the default): this process closes its copy once the parent has the handle.
      process.send?.({ id, ok: true } satisfies DialReply, socket, {}, (err: Error | null) => {
        if (err) socket.destroy();
      });
      return;
    } catch (err) {
      failures.push(failure(err));
    }
  }
  const [ipv4, ipv6] = failures as [DialFailure, DialFailure];
  process.send?.({ id, ok: false, ipv4, ipv6 } satisfies DialReply);
}

process.on('message', (request: DialRequest) => void dial(request));
// The parent went away or let this helper go: nothing may outlive podlet.
process.on('disconnect', () => process.exit(0));
