import type { Duplex } from 'node:stream';

/** Where port-forward connections come from: one `session` per kubectl port-forward connection to a pod. */
export interface PodDialer {
  session(namespace: string, podName: string): PodPorts;
  /** The API server is shutting down: whatever the dialer keeps running stops. */
  close(): void;
}

/** One port-forward session's way into a pod; `release` once the session is over. */
export interface PodPorts {
  /**
   * Opens a TCP connection to `port` on localhost inside the pod's network namespace (so a server the pod binds to
   * localhost is reachable, as with kubelet). A rejection's message is what kubectl is told on the error stream.
   */
  dial(port: number): Promise<Duplex>;
  release(): void;
}
