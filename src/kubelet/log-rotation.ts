// The kubelet's container log manager (pkg/kubelet/logs/container_log_manager.go): every 10 s, a running
// container's log over --container-log-max-size is renamed to `<log>.<timestamp>` and conmon reopens the original
// path; rotated logs beyond --container-log-max-files - 1 are removed, oldest first, and all but the newest
// rotated one are gzipped.
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { controlPath, reopenLog } from '../runtime/conmon-ctl.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { Logger } from '../util/log.js';

/** logMonitorPeriod */
export const LOG_MONITOR_INTERVAL_MS = 10_000;

export interface LogRotationOptions {
  maxSizeBytes: number;
  maxFiles: number;
}

export class LogRotation {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly options: LogRotationOptions,
    private readonly logger: Logger,
  ) {}

  start(intervalMs = LOG_MONITOR_INTERVAL_MS): void {
    this.timer = setInterval(() => void this.rotateAll(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async rotateAll(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const pod of await this.runtime.listPods()) {
        for (const c of pod.containers.filter((c) => c.state === 'running')) {
          await this.rotate(c.record.id, c.record.logPath).catch((err: unknown) =>
            this.logger.warn({ err, container: c.record.name, pod: c.record.podName }, 'log rotation failed'),
          );
        }
      }
    } catch (err) {
      // Observing the runtime writes what it sees first (an exit record), which a full disk refuses: the next pass
      // tries again, and the daemon must not die of it.
      this.logger.warn({ err }, 'log rotation pass failed');
    } finally {
      this.running = false;
    }
  }

  private async rotate(id: string, log: string): Promise<void> {
    const size = await stat(log).then(
      (s) => s.size,
      () => 0,
    );
    if (size >= this.options.maxSizeBytes) {
      const rotated = `${log}.${timestamp(new Date())}`;
      await rename(log, rotated);
      try {
        await reopenLog(controlPath(this.runtime.paths.socketDir, id));
      } catch (err) {
        // Without conmon's new file the container's output would be lost: keep writing to the old one.
        await rename(rotated, log);
        throw err;
      }
    }
    await this.tidy(log);
  }

  /** removeExcessLogs and compressLog: at most maxFiles - 1 rotated logs, the newest left uncompressed. */
  private async tidy(log: string): Promise<void> {
    const prefix = `${basename(log)}.`;
    const rotated = (await readdir(dirname(log)))
      .filter((f) => f.startsWith(prefix) && !f.endsWith('.tmp'))
      .sort();
    const excess = rotated.length - Math.max(0, this.options.maxFiles - 1);
    for (const f of rotated.slice(0, Math.max(0, excess))) await rm(join(dirname(log), f), { force: true });
    const kept = rotated.slice(Math.max(0, excess));
    for (const f of kept.slice(0, -1).filter((f) => !f.endsWith('.gz'))) {
      const path = join(dirname(log), f);
      await pipeline(createReadStream(path), createGzip(), createWriteStream(`${path}.gz.tmp`));
      await rename(`${path}.gz.tmp`, `${path}.gz`);
      await rm(path);
    }
  }
}

/** The kubelet's rotated-log suffix, `20060102-150405` in UTC. */
function timestamp(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}
