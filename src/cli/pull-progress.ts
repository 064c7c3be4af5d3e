// What `podlet image pull` shows while it works, on stderr so stdout stays the result (a name, or JSON). On a terminal
// one line per blob is redrawn in place, like docker pull; elsewhere (CI logs, pipes) a plain line per state change.
import type { BlobProgress, PullProgress } from '../image/registry/pull.js';
import { humanSize } from './human-size.js';

/** Redraws at most this often on a terminal; phase and blob state changes are drawn at once. */
const REDRAW_INTERVAL_MS = 100;

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Returns the onProgress callback for pullImage that renders to `out`. */
export function pullProgressDisplay(out: ProgressOutput): (progress: PullProgress) => void {
  return out.isTTY === true ? terminalDisplay(out) : lineDisplay(out);
}

function terminalDisplay(out: ProgressOutput): (progress: PullProgress) => void {
  let drawnLines = 0;
  let lastDraw = 0;
  let lastState = '';
  return (progress) => {
    const state = `${progress.phase} ${progress.blobs.map((b) => b.status).join(',')}`;
    const now = Date.now();
    if (state === lastState && now - lastDraw < REDRAW_INTERVAL_MS) return;
    lastState = state;
    lastDraw = now;
    const lines = [
      ...progress.blobs.map(blobLine),
      `${phaseLabel(progress.phase)} ${humanSize(progress.doneBytes)}/${humanSize(progress.totalBytes)}`,
    ];
    // Move up over the previous frame and clear each line before rewriting it.
    const up = drawnLines > 0 ? `\x1b[${drawnLines}A` : '';
    out.write(up + lines.map((line) => `\x1b[2K${line}\n`).join(''));
    drawnLines = lines.length;
  };
}

function lineDisplay(out: ProgressOutput): (progress: PullProgress) => void {
  let phase: PullProgress['phase'] | undefined;
  const statuses = new Map<string, string>();
  return (progress) => {
    if (progress.phase !== phase) {
      phase = progress.phase;
      if (phase !== 'downloading' && phase !== 'done')
        out.write(`${progress.reference}: ${phaseLabel(phase)}\n`);
    }
    for (const blob of progress.blobs) {
      if (statuses.get(blob.digest) === blob.status || blob.status === 'waiting') continue;
      statuses.set(blob.digest, blob.status);
      // Byte counts change too often for a log: a line says a download started and one that it finished.
      const line =
        blob.status === 'downloading'
          ? `${blobName(blob)}: downloading ${humanSize(blob.size)}`
          : blobLine(blob);
      out.write(`${line}\n`);
    }
  };
}

function blobName(blob: BlobProgress): string {
  return `${blob.kind} ${blob.digest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
}

function blobLine(blob: BlobProgress): string {
  const name = blobName(blob);
  switch (blob.status) {
    case 'waiting':
      return `${name}: waiting`;
    case 'exists':
      return `${name}: already exists`;
    case 'done':
      return `${name}: downloaded ${humanSize(blob.size)}`;
    case 'downloading':
      return `${name}: downloading ${humanSize(blob.downloaded)}/${humanSize(blob.size)}`;
  }
}

function phaseLabel(phase: PullProgress['phase']): string {
  const labels: Record<PullProgress['phase'], string> = {
    resolving: 'resolving',
    downloading: 'downloading',
    unpacking: 'unpacking layers',
    done: 'done',
  };
  return labels[phase];
}
