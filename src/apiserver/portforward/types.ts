import type { Duplex } from 'node:stream';

/**
 * Opens a TCP connection to `port` on 127.0.0.1 inside the pod's network namespace (so a server the pod binds to
 * localhost is reachable, as with kubelet). A rejection's message is what kubectl is told on the error stream.
 */
export type PodDialer = (namespace: string, podName: string, port: number) => Promise<Duplex>;
