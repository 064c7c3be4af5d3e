// conmon's control fifo (conmon src/ctrl.c): "<type> <height> <width>\n" lines, type 1 resizing the container's
// terminal and type 2 reopening its log file.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

const WIN_RESIZE_EVENT = 1;
const REOPEN_LOGS_EVENT = 2;

/**
 * Opened without blocking: with conmon gone there is no reader, and a blocking open would wait for ever (the open
 * then fails with ENXIO, which the caller sees).
 */
async function writeControl(ctlPath: string, type: number, height: number, width: number): Promise<void> {
  const fifo = await open(ctlPath, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    await fifo.write(`${type} ${height} ${width}\n`);
  } finally {
    await fifo.close();
  }
}

/** conmon links `<socketDir>/<id>` to the container's bundle, where the fifo is. */
export function controlPath(socketDir: string, id: string): string {
  return join(socketDir, id, 'ctl');
}

/** conmon refuses sizes above 1000. */
export function resizeTerminal(ctlPath: string, height: number, width: number): Promise<void> {
  return writeControl(ctlPath, WIN_RESIZE_EVENT, Math.min(height, 1000), Math.min(width, 1000));
}

/** After the log was renamed away, conmon starts a new file at the same path (CRI ReopenContainerLog). */
export function reopenLog(ctlPath: string): Promise<void> {
  return writeControl(ctlPath, REOPEN_LOGS_EVENT, 0, 0);
}
