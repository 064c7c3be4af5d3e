// DNS over TCP frames each message with a two-byte length (RFC 1035 section 4.2.2, RFC 7766).
import type { Socket } from 'node:net';

/** Calls onFrame with each whole message read from the socket, in order. */
export function readTcpFrames(socket: Socket, onFrame: (message: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) break;
      const message = pending.subarray(2, 2 + length);
      pending = pending.subarray(2 + length);
      onFrame(message);
    }
  });
}

/** The message with its length prefix, ready to write. */
export function tcpFrame(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}
