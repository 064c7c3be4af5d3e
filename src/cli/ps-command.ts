import { Command } from 'commander';
import { RuntimePaths } from '../runtime/paths.js';
import { listContainers } from '../runtime/container-observe.js';
import { listSandboxes } from '../runtime/sandbox.js';
import { Runc } from '../runtime/runc.js';
import type { ContainerStatus, SandboxStatus } from '../runtime/types.js';
import { CgroupManager } from '../runtime/cgroups/manager.js';
import { detectCgroupMode } from '../runtime/cgroups/detect.js';
import { age, dataDirOption, fail, jsonOption, printJson, printTable } from './output.js';

export interface PsEntry {
  sandbox: SandboxStatus['record'] & { state: SandboxStatus['state']; pid?: number };
  containers: (ContainerStatus['record'] & {
    state: ContainerStatus['state'];
    pid?: number;
    exitCode?: number;
    finishedAt?: string;
    reason?: string;
  })[];
}

/** `podlet ps`: pods and containers as the runtime sees them on disk and in runc (no daemon needed). */
export function psCommand(): Command {
  return new Command('ps')
    .description('list pod sandboxes and their containers as the runtime observes them')
    .addOption(dataDirOption())
    .addOption(jsonOption())
    .option('--cgroup-parent <name>', 'cgroup parent the daemon uses', 'podlet')
    .action(async (o: { dataDir: string; json?: boolean; cgroupParent: string }) => {
      try {
        const entries = await listRuntime(o.dataDir, o.cgroupParent);
        if (o.json) return printJson(entries);
        printTable(
          ['POD', 'NAMESPACE', 'CONTAINER', 'ATTEMPT', 'STATE', 'PID', 'IP', 'AGE'],
          entries.flatMap((e) => [
            [
              e.sandbox.podName,
              e.sandbox.podNamespace,
              '(pause)',
              '-',
              e.sandbox.state,
              String(e.sandbox.pid ?? ''),
              e.sandbox.ips.join(','),
              age(e.sandbox.createdAt),
            ],
            ...e.containers.map((c) => [
              e.sandbox.podName,
              e.sandbox.podNamespace,
              c.name,
              String(c.attempt),
              c.reason ? `${c.state} (${c.reason})` : c.state,
              String(c.pid ?? ''),
              '',
              age(c.createdAt),
            ]),
          ]),
        );
      } catch (e) {
        fail(e);
      }
    });
}

export async function listRuntime(dataDir: string, cgroupParent: string): Promise<PsEntry[]> {
  const paths = new RuntimePaths(dataDir);
  const runc = new Runc(paths.runcRoot);
  const cgroups = new CgroupManager({ mode: await detectCgroupMode(), parent: cgroupParent });
  const [sandboxes, containers] = await Promise.all([
    listSandboxes(paths, runc),
    listContainers(paths, runc, cgroups),
  ]);
  return sandboxes.map((s) => ({
    sandbox: { ...s.record, state: s.state, ...(s.pid ? { pid: s.pid } : {}) },
    containers: containers
      .filter((c) => c.record.sandboxId === s.record.id)
      .sort((a, b) => a.record.name.localeCompare(b.record.name) || a.record.attempt - b.record.attempt)
      .map((c) => ({
        ...c.record,
        state: c.state,
        ...(c.pid ? { pid: c.pid } : {}),
        ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
        ...(c.finishedAt ? { finishedAt: c.finishedAt } : {}),
        ...(c.state === 'exited'
          ? { reason: c.oomKilled ? 'OOMKilled' : c.exitCode === 0 ? 'Completed' : 'Error' }
          : {}),
      })),
  }));
}
