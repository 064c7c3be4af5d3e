import { Command } from 'commander';
import { access, constants, readFile } from 'node:fs/promises';
import { checkPodCidrFree } from '../network/cni.js';
import { detectCgroupMode } from '../runtime/cgroups/detect.js';
import { CONMON_BINARY } from '../runtime/conmon.js';
import { RUNC_BINARY } from '../runtime/runc.js';
import { CATATONIT_BINARY } from '../runtime/sandbox.js';
import { fail, jsonOption, printJson, printTable } from './output.js';

export interface HostProblem {
  check: string;
  problem: string;
  fix: string;
  /** podlet cannot run pods at all while this holds. */
  fatal: boolean;
}

const CNI_BIN_DIR = '/usr/lib/cni';
export interface RequiredBinary {
  path: string;
  pkg: string;
}

export const REQUIRED_BINARIES: RequiredBinary[] = [
  { path: RUNC_BINARY, pkg: 'runc' },
  { path: CONMON_BINARY, pkg: 'conmon' },
  { path: CATATONIT_BINARY, pkg: 'catatonit' },
  { path: `${CNI_BIN_DIR}/bridge`, pkg: 'containernetworking-plugins' },
  { path: `${CNI_BIN_DIR}/host-local`, pkg: 'containernetworking-plugins' },
  { path: `${CNI_BIN_DIR}/loopback`, pkg: 'containernetworking-plugins' },
  { path: `${CNI_BIN_DIR}/portmap`, pkg: 'containernetworking-plugins' },
  { path: '/usr/sbin/ip', pkg: 'iproute2' },
  { path: '/usr/sbin/iptables', pkg: 'iptables' },
];

/** Everything podlet needs from the host, each problem with the command that fixes it. */
export async function checkHost(o: {
  podCidr: string;
  bridge: string;
  binaries?: RequiredBinary[];
}): Promise<HostProblem[]> {
  const problems: HostProblem[] = [];
  if (process.getuid?.() !== 0) {
    problems.push({
      check: 'root',
      problem: 'podlet must run as root',
      fix: 'run it with sudo or as root',
      fatal: true,
    });
  }
  for (const b of o.binaries ?? REQUIRED_BINARIES) {
    try {
      await access(b.path, constants.X_OK);
    } catch {
      problems.push({
        check: 'binary',
        problem: `${b.path} is missing`,
        fix: `apt-get install -y ${b.pkg}`,
        fatal: true,
      });
    }
  }
  const filesystems = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  for (const fs of ['overlay', 'tmpfs']) {
    if (!filesystems.includes(`\t${fs}\n`)) {
      problems.push({
        check: 'kernel',
        problem: `the kernel lacks ${fs}`,
        fix: `modprobe ${fs}`,
        fatal: true,
      });
    }
  }
  try {
    await detectCgroupMode();
  } catch (e) {
    problems.push({
      check: 'cgroups',
      problem: `no usable cgroup hierarchy: ${(e as Error).message}`,
      fix: 'mount cgroups at /sys/fs/cgroup (v1 or v2)',
      fatal: true,
    });
  }
  try {
    await checkPodCidrFree(o.podCidr, o.bridge);
  } catch (e) {
    problems.push({
      check: 'pod CIDR',
      problem: (e as Error).message,
      fix: 'choose another range with --pod-cidr',
      fatal: true,
    });
  }
  return problems;
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check the host for what podlet needs and print each problem with its fix')
    .option('--pod-cidr <cidr>', 'pod IP range to check', '10.85.0.0/24')
    .option('--bridge <name>', 'bridge podlet will use', 'podlet0')
    .option('--data-dir <dir>', 'podlet state directory (accepted for uniformity)', '/var/lib/podlet')
    .addOption(jsonOption())
    .action(async (o: { podCidr: string; bridge: string; json?: boolean }) => {
      try {
        const problems = await checkHost(o);
        const mode = await detectCgroupMode().catch(() => 'none');
        if (o.json) return printJson({ cgroupMode: mode, problems });
        if (problems.length === 0) {
          process.stdout.write(`ok: this host can run podlet (cgroups ${mode})\n`);
          return;
        }
        printTable(
          ['CHECK', 'PROBLEM', 'FIX'],
          problems.map((p) => [p.check, p.problem, p.fix]),
        );
        process.exitCode = 1;
      } catch (e) {
        fail(e);
      }
    });
}
