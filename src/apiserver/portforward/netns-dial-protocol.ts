// The messages between podlet and its dial helper in a pod's network namespace (netns-dial-child.ts), over node's
// IPC channel (JSON; a connected socket travels as the message's handle).

export interface DialRequest {
  id: number;
  port: number;
}

/** Why one address family could not connect: the errno name and node's message. */
export interface DialFailure {
  code: string;
  message: string;
}

/** `ok` replies carry the connected socket as their handle; containerd tries IPv4, then IPv6. */
export type DialReply =
  { id: number; ok: true } | { id: number; ok: false; ipv4: DialFailure; ipv6: DialFailure };
