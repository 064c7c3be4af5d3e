// `runc start` without a runc process (decision 0049). What runc start does for a created container (libcontainer
// exec, runc 1.1) is open the exec fifo in the container's state directory, read the byte `runc init` writes into it
// (which lets init exec the container's process) and remove the fifo, which is how runc, and Runc.state, tell a
// running container from a created one. A Go program started for that costs about 7 ms of CPU and as much wall time,
// twice per two-container pod, on the way to Running.
import { closeSync, constants, openSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { errnoCode, isNotFound } from '../util/fs.js';

const EXEC_FIFO = 'exec.fifo';
/** How often the fifo is read again while `runc init` has not written yet. */
const POLL_MS = 1;

/**
 * Lets the created container's process run; false when there is no exec fifo (the container is not in the created
 * state, or not runc's), so that the caller can ask runc for its verdict and message.
 */
export async function releaseExecFifo(
  stateDir: string,
  initAlive: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  const fifo = join(stateDir, EXEC_FIFO);
  let fd: number;
  try {
    // Read-write and non-blocking: the open never waits for a writer, and a dead `runc init` cannot hang a read.
    fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
  try {
    const byte = Buffer.alloc(1);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (readOrNothing(fd, byte) > 0) break;
      // runc's own check: init died before it wrote (libcontainer: "container process is already dead").
      if (!initAlive()) throw new Error(`${fifo}: container process is already dead`);
      if (Date.now() > deadline) throw new Error(`${fifo}: runc init wrote nothing within ${timeoutMs} ms`);
      await delay(POLL_MS);
    }
  } finally {
    closeSync(fd);
  }
  unlinkSync(fifo);
  return true;
}

function readOrNothing(fd: number, buffer: Buffer): number {
  try {
    return readSync(fd, buffer, 0, buffer.length, null);
  } catch (e) {
    if (errnoCode(e) === 'EAGAIN') return 0;
    throw e;
  }
}
