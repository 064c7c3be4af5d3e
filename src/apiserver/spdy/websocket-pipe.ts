// A WebSocket as a byte pipe, for SPDY tunnelled in WebSocket (subprotocol `SPDY/3.1+portforward.k8s.io`,
// client-go tools/portforward/tunneling_connection.go): each binary message carries SPDY bytes, with no framing of
// its own, and each write goes out as one binary message.
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * What the SPDY session may queue ahead of the WebSocket: with Node's 16 KiB default every 1 MiB DATA frame waited
 * for the previous one to reach the socket, so reading the pod and encrypting for kubectl took turns.
 */
const OUTBOUND_BUFFER = 4 * 1024 * 1024;

export function websocketPipe(ws: WebSocket): Duplex {
  const pipe = new Duplex({
    writableHighWaterMark: OUTBOUND_BUFFER,
    read() {
      ws.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (ws.readyState !== ws.OPEN) return callback(new Error('the WebSocket is closed'));
      ws.send(chunk, { binary: true }, (err) => callback(err ?? null));
    },
    // A corked SPDY frame (its header, then its payload) goes out as one message rather than two.
    writev(chunks, callback) {
      if (ws.readyState !== ws.OPEN) return callback(new Error('the WebSocket is closed'));
      const message = Buffer.concat(chunks.map((c) => c.chunk as Buffer));
      ws.send(message, { binary: true }, (err) => callback(err ?? null));
    },
    final(callback) {
      ws.close(1000);
      callback();
    },
    destroy(err, callback) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.terminate();
      callback(err);
    },
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    // The tunnel carries binary messages only; anything else breaks the SPDY byte stream.
    if (!isBinary) return void pipe.destroy(new Error('text message in a SPDY tunnel'));
    if (!pipe.push(data)) ws.pause();
  });
  ws.on('close', () => pipe.push(null));
  ws.on('error', (err) => pipe.destroy(err));
  return pipe;
}
