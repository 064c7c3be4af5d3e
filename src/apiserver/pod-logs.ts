// GET pods/{name}/log (what `kubectl logs` asks for): the container's CRI log file read as the kubelet serves it,
// with the kubelet's refusals for containers that have no log yet, and `follow` until the container stops.
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { CONFIG_MIRROR_ANNOTATION } from '../api/pod-annotations.js';
import { parseCriLog, renderLog, type LogOptions } from '../runtime/cri-log.js';
import type { HandlerContext, SubresourceHandler } from './resource-handler.js';
import { containerName, containerStatus } from './pod-containers.js';
import { getObject, type Target } from './rest.js';
import { badRequest, methodNotSupported } from './status.js';

/** Where a container instance's log lives (the runtime's layout: <data>/logs/<ns>_<pod>_<uid>/<c>/<n>.log). */
export type LogPath = (
  namespace: string,
  podName: string,
  podUid: string,
  container: string,
  attempt: number,
) => string;

const FOLLOW_POLL_MS = 200;
const FOLLOW_READ_BYTES = 64 * 1024;

export function podLogHandler(logPath: LogPath): SubresourceHandler {
  return async (ctx, target, request, _req, res, query) => {
    if (request.verb !== 'get') throw methodNotSupported('pods/log', request.verb);
    const pod = getObject(ctx, target) as unknown as Pod;
    const name = pod.metadata?.name ?? '';
    const container = containerName(pod, query.get('container'));
    const status = containerStatus(pod, container);
    const attempt = logAttempt(status, container, name, query.get('previous') === 'true');
    // A static pod's containers run under its manifest's UID, which its mirror pod carries.
    const uid = pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] ?? pod.metadata?.uid ?? '';
    const file = logPath(pod.metadata?.namespace ?? '', name, uid, container, attempt);
    const options = logOptions(query, ctx.now);
    const { text, end } = await readLog(file, options.tailLines);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.write(renderLog(parseCriLog(text), options));
    if (query.get('follow') !== 'true' || status?.state?.running === undefined) {
      res.end();
      return;
    }
    await follow(ctx, target, file, end, container, res, options.timestamps === true);
  };
}

/**
 * The log's text, and the offset its end is at. With tailLines only the file's last lines are read, backwards a block
 * at a time (kubelet logs.go findTailLineStartIndex): `kubectl logs --tail` of a flooded, huge log reads kilobytes.
 */
async function readLog(file: string, tailLines: number | undefined): Promise<{ text: string; end: number }> {
  if (tailLines === undefined || tailLines < 0) {
    const text = await readFile(file, 'utf8').catch(() => '');
    return { text, end: Buffer.byteLength(text) };
  }
  const handle = await open(file, 'r').catch(() => undefined);
  if (handle === undefined) return { text: '', end: 0 };
  try {
    const end = (await handle.stat()).size;
    let start = end;
    let newlines = 0;
    // The last line ends with a newline: tailLines lines start after the (tailLines + 1)th newline from the end.
    while (start > 0 && newlines <= tailLines) {
      const size = Math.min(FOLLOW_READ_BYTES, start);
      const block = Buffer.alloc(size);
      await handle.read(block, 0, size, start - size);
      let at = size;
      while (newlines <= tailLines && at > 0) {
        at = block.lastIndexOf(0x0a, at - 1);
        if (at < 0) break;
        newlines++;
      }
      start = newlines > tailLines ? start - size + at + 1 : start - size;
    }
    const text = Buffer.alloc(end - start);
    await handle.read(text, 0, text.length, start);
    return { text: text.toString('utf8'), end };
  } finally {
    await handle.close();
  }
}

/** kubelet_pods.go validateContainerLogStatus: which instance's log, or why there is none. */
function logAttempt(
  status: ContainerStatus | undefined,
  container: string,
  pod: string,
  previous: boolean,
): number {
  const restarts = status?.restartCount ?? 0;
  if (previous) {
    if (status?.lastState?.terminated === undefined) {
      throw badRequest(`previous terminated container "${container}" in pod "${pod}" not found`);
    }
    return restarts - 1;
  }
  const waiting = status?.state?.waiting;
  if (status === undefined || (waiting !== undefined && status.lastState?.terminated === undefined)) {
    const reason = waiting?.reason;
    const why =
      reason === 'ErrImagePull'
        ? ": image can't be pulled"
        : reason === 'ImagePullBackOff'
          ? ': trying and failing to pull image'
          : reason
            ? `: ${reason}`
            : ' - no logs yet';
    throw badRequest(`container "${container}" in pod "${pod}" is waiting to start${why}`);
  }
  return waiting !== undefined ? restarts - 1 : restarts;
}

function logOptions(query: URLSearchParams, now: Date): LogOptions {
  const number = (key: string) => {
    const value = query.get(key);
    return value === null ? undefined : Number(value);
  };
  const sinceSeconds = number('sinceSeconds');
  const sinceTime = query.get('sinceTime');
  const since =
    sinceSeconds !== undefined
      ? new Date(now.getTime() - sinceSeconds * 1000)
      : sinceTime
        ? new Date(sinceTime)
        : undefined;
  const tailLines = number('tailLines');
  const limitBytes = number('limitBytes');
  return {
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(since !== undefined ? { since } : {}),
    timestamps: query.get('timestamps') === 'true',
  };
}

/**
 * Streams whole lines appended to the file until the container stops running or the client goes away. Only the new
 * bytes are read at each poll; when the log is rotated (the path names a new file), the old file is read to its end
 * first, then the new one from its start, as the kubelet's follower does.
 */
async function follow(
  ctx: HandlerContext,
  target: Target,
  file: string,
  offset: number,
  container: string,
  res: ServerResponse,
  timestamps: boolean,
): Promise<void> {
  let handle = await open(file, 'r').catch(() => undefined);
  let position = offset;
  let pending = Buffer.alloc(0);
  const drain = async () => {
    if (!handle) return;
    for (;;) {
      const chunk = Buffer.alloc(FOLLOW_READ_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
    }
    const end = pending.lastIndexOf(0x0a) + 1;
    if (end === 0) return;
    res.write(renderLog(parseCriLog(pending.subarray(0, end).toString('utf8')), { timestamps }));
    pending = pending.subarray(end);
  };
  try {
    while (!ctx.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
      await drain();
      if (await rotated(handle, file)) {
        await handle?.close();
        handle = await open(file, 'r').catch(() => undefined);
        position = 0;
        pending = Buffer.alloc(0);
        await drain();
      }
      const pod = ctx.store.get(target.def.storageKey, target.namespace, target.name) as unknown as
        Pod | undefined;
      const running = pod?.status?.containerStatuses?.find((s) => s.name === container)?.state?.running;
      if (running === undefined) break;
    }
  } finally {
    await handle?.close();
  }
  res.end();
}

/** The path now names another file than the one open (renamed away by log rotation). */
async function rotated(handle: FileHandle | undefined, file: string): Promise<boolean> {
  const current = await stat(file).catch(() => undefined);
  if (!current) return false;
  if (!handle) return true;
  return (await handle.stat()).ino !== current.ino;
}
