// A finished container's termination message (pkg/kubelet/kuberuntime/kuberuntime_container.go getTerminationMessage
// and readLastStringFromContainerLogs): the end of the file it wrote at terminationMessagePath, or with
// FallbackToLogsOnError and a non-zero exit, the end of its log.
import { open } from 'node:fs/promises';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podContainer } from '../api/pod-containers.js';
import { parseCriLog } from '../runtime/cri-log.js';
import type { RuntimePaths } from '../runtime/paths.js';
import type { ContainerStatus } from '../runtime/types.js';
import { isNotFound } from '../util/fs.js';

/** kubecontainer.MaxContainerTerminationMessageLength */
const MAX_MESSAGE_BYTES = 4096;
/** kubecontainer.MaxContainerTerminationMessageLogLines and ...LogLength */
const MAX_LOG_LINES = 80;
const MAX_LOG_BYTES = 2048;
/** Enough of a CRI log's end to hold 80 lines of a chatty container; the result is cut to 2 KiB anyway. */
const LOG_READ_BYTES = 256 * 1024;

/** The messages of a pod's exited containers by container ID; read once per instance, since they cannot change. */
export class TerminationMessages {
  private readonly byId = new Map<string, { podUid: string; message: string }>();

  constructor(private readonly paths: RuntimePaths) {}

  async of(pod: Pod, containers: readonly ContainerStatus[]): Promise<ReadonlyMap<string, string>> {
    const result = new Map<string, string>();
    for (const c of containers) {
      if (c.state !== 'exited') continue;
      let known = this.byId.get(c.record.id);
      if (known === undefined) {
        known = { podUid: c.record.podUid, message: await this.read(pod, c) };
        this.byId.set(c.record.id, known);
      }
      if (known.message !== '') result.set(c.record.id, known.message);
    }
    return result;
  }

  forgetPod(podUid: string): void {
    for (const [id, known] of this.byId) if (known.podUid === podUid) this.byId.delete(id);
  }

  private async read(pod: Pod, c: ContainerStatus): Promise<string> {
    const file = this.paths.terminationLog(c.record.id);
    let message: string;
    try {
      message = (await readTail(file, MAX_MESSAGE_BYTES)).toString('utf8');
    } catch (err) {
      if (isNotFound(err)) message = '';
      else return `Error on reading termination log ${file}: ${(err as Error).message}`;
    }
    const spec = podContainer(pod, c.record.name);
    const fallback = spec?.terminationMessagePolicy === 'FallbackToLogsOnError' && c.exitCode !== 0;
    if (message !== '' || !fallback) return message;
    try {
      let log = await readTail(c.record.logPath, LOG_READ_BYTES);
      // Read from the middle of a line: that first fragment is not a log line.
      if (log.length === LOG_READ_BYTES) log = log.subarray(log.indexOf('\n') + 1);
      const lines = parseCriLog(log.toString('utf8'));
      const text = lines
        .slice(-MAX_LOG_LINES)
        .map((l) => `${l.content}\n`)
        .join('');
      const bytes = Buffer.from(text, 'utf8');
      return bytes.subarray(Math.max(0, bytes.length - MAX_LOG_BYTES)).toString('utf8');
    } catch (err) {
      return `Error on reading termination message from logs: ${(err as Error).message}`;
    }
  }
}

/** The last `max` bytes of a file (tail.ReadAtMost). */
async function readTail(path: string, max: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, max);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer;
  } finally {
    await handle.close();
  }
}
