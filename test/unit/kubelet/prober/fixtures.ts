// Shared builders for the prober tests: containers, targets, loopback servers and a recording EventRecorder.
import type { Server } from 'node:net';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { EventRecorder, PodEvent } from '../../../../src/kubelet/events.js';
import type { HandlerTarget } from '../../../../src/kubelet/prober/types.js';

export function container(overrides: Partial<Container> = {}): Container {
  return { name: 'app', image: 'busybox', ...overrides };
}

export function pod(containers: Container[] = [container()]): Pod {
  return { metadata: { name: 'web', namespace: 'default', uid: 'uid-1' }, spec: { containers } };
}

export function target(overrides: Partial<HandlerTarget> = {}): HandlerTarget {
  return { container: container(), containerId: 'c1', podIP: '127.0.0.1', ...overrides };
}

/** Starts a server on 127.0.0.1 and an ephemeral port; resolves to the port. */
export function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

export class RecordingEvents implements EventRecorder {
  readonly events: PodEvent[] = [];
  record(_pod: Pod, event: PodEvent): void {
    this.events.push(event);
  }
}

/** Polls until the condition holds or the deadline passes (then fails with the description). */
export async function waitFor(
  description: string,
  condition: () => boolean,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
