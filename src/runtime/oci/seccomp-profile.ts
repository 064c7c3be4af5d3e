// podlet's RuntimeDefault seccomp profile, as data: the allow list of containerd's default profile
// (contrib/seccomp/seccomp_default.go, itself kept close to moby's profiles/seccomp/default.json). Everything not
// allowed fails with EPERM; syscalls that need a capability are allowed only when the container's bounding set holds
// it, so adding SYS_ADMIN unlocks mount/unshare/setns as it does under containerd.
import { release } from 'node:os';
import { kernelAtLeast } from './kernel-version.js';
import type { Seccomp, SeccompArg, Syscall } from './types.js';

interface ArchProfile {
  /** libseccomp names of the ABIs a process of this machine may use. */
  architectures: string[];
  allowed: string[];
}

const ALLOW = 'SCMP_ACT_ALLOW';
const ERRNO = 'SCMP_ACT_ERRNO';
/** linux/errno.h: clone3 answers ENOSYS so that libc falls back to clone (moby/moby#42681). */
const ENOSYS = 38;
/** linux/socket.h: AF_ALG (38) and AF_VSOCK (40) are refused; every other address family is allowed. */
const AF_ALG = 38;
const AF_VSOCK = 40;
/** CLONE_NEWNS | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWCGROUP: clone may not make namespaces. */
const CLONE_NAMESPACE_FLAGS = 0x7e020000;
/** personality(2) values allowed: PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and the query 0xffffffff. */
const PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];
/** process_vm_readv/writev and ptrace became safe to allow with kernel 4.8 (seccomp checked after ptrace). */
const PTRACE_SAFE_KERNEL: [number, number] = [4, 8];

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/** Names unknown to the host's libseccomp are skipped by runc, so newer syscalls can be listed safely. */
const BASE_ALLOWED = words(`
  accept accept4 access adjtimex alarm bind brk cachestat capget capset chdir chmod chown chown32 clock_adjtime
  clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep
  clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3 epoll_create epoll_create1
  epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit
  exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat fchmodat2
  fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat
  fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex futex_requeue futex_time64 futex_wait
  futex_waitv futex_wake futimesat getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid
  getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom
  getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage getsid getsockname getsockopt
  get_thread_area gettid gettimeofday getuid getuid32 getxattr getxattrat inotify_add_watch inotify_init
  inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy io_getevents io_pgetevents io_pgetevents_time64
  ioprio_get ioprio_set io_setup io_submit ipc kill landlock_add_rule landlock_create_ruleset
  landlock_restrict_self lchown lchown32 lgetxattr link linkat listen listmount listxattr listxattrat llistxattr
  _llseek lremovexattr lseek lsetxattr lsm_get_self_attr lsm_list_modules lsm_set_self_attr lstat lstat64 madvise
  membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall map_shadow_stack
  mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend
  mq_timedsend_time64 mq_unlink mremap mseal msgctl msgget msgrcv msgsnd msync munlock munlockall munmap
  name_to_handle_at nanosleep newfstatat _newselect open openat openat2 pause pidfd_open pidfd_send_signal pipe
  pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64
  process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recv
  recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages removexattr removexattrat rename renameat renameat2
  restart_syscall rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend
  rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity sched_getattr sched_getparam
  sched_get_priority_max sched_get_priority_min sched_getscheduler sched_rr_get_interval
  sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield
  seccomp select semctl semget semop semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto
  setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority
  setregid setregid32 setresgid setresgid32 setresuid setresuid32 setreuid setreuid32 setrlimit set_robust_list
  setsid setsockopt set_thread_area set_tid_address setuid setuid32 setxattr setxattrat shmat shmctl shmdt shmget
  shutdown sigaltstack signalfd signalfd4 sigprocmask sigreturn socketcall socketpair splice stat stat64 statfs
  statfs64 statmount statx symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill time timer_create
  timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime timer_settime64 timerfd_create
  timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate truncate64 ugetrlimit
  umask uname unlink unlinkat uretprobe utime utimensat utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid
  write writev
`);

/** By Node's `process.arch`; other machines get no architecture list (the native ABI only). */
const ARCHES: Record<string, ArchProfile> = {
  x64: {
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    allowed: ['arch_prctl', 'modify_ldt'],
  },
  arm64: {
    architectures: ['SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64'],
    allowed: words('arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls'),
  },
};

/** What each capability of the bounding set unlocks, in capability-number order. */
const BY_CAPABILITY: [string, string[]][] = [
  ['CAP_DAC_READ_SEARCH', ['open_by_handle_at']],
  [
    'CAP_SYS_ADMIN',
    words(`
      bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie mount mount_setattr move_mount
      open_tree perf_event_open quotactl quotactl_fd setdomainname sethostname setns syslog umount umount2 unshare
    `),
  ],
  ['CAP_SYS_BOOT', ['reboot']],
  ['CAP_SYS_CHROOT', ['chroot']],
  ['CAP_SYS_MODULE', words('delete_module init_module finit_module')],
  ['CAP_SYS_PACCT', ['acct']],
  ['CAP_SYS_PTRACE', words('kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace')],
  ['CAP_SYS_RAWIO', words('iopl ioperm')],
  ['CAP_SYS_TIME', words('settimeofday stime clock_settime clock_settime64')],
  ['CAP_SYS_TTY_CONFIG', ['vhangup']],
  ['CAP_SYS_NICE', words('get_mempolicy mbind set_mempolicy set_mempolicy_home_node')],
  ['CAP_SYSLOG', ['syslog']],
  ['CAP_BPF', ['bpf']],
  ['CAP_PERFMON', ['perf_event_open']],
];

/**
 * The RuntimeDefault profile for a container with this bounding set. `arch` is Node's process.arch and
 * `kernelRelease` uname -r; both default to this host's.
 */
export function runtimeDefaultProfile(
  bounding: readonly string[],
  arch: string = process.arch,
  kernelRelease: string = release(),
): Seccomp {
  const machine = ARCHES[arch];
  const admin = bounding.includes('CAP_SYS_ADMIN');
  const syscalls: Syscall[] = [
    allow(BASE_ALLOWED),
    ...socketRules(),
    ...PERSONALITIES.map((value) => allow(['personality'], [{ index: 0, value, op: 'SCMP_CMP_EQ' }])),
    ...(kernelAtLeast(kernelRelease, PTRACE_SAFE_KERNEL)
      ? [allow(words('process_vm_readv process_vm_writev ptrace'))]
      : []),
    ...(machine ? [allow(machine.allowed)] : []),
    ...BY_CAPABILITY.filter(([cap]) => bounding.includes(cap)).map(([, names]) => allow(names)),
    ...(admin ? [] : namespaceFreeClone()),
  ];
  return { defaultAction: ERRNO, architectures: machine ? [...machine.architectures] : [], syscalls };
}

function allow(names: readonly string[], args: SeccompArg[] = []): Syscall {
  return { names: [...names], action: ALLOW, args };
}

/**
 * socket(2) for every family but AF_ALG and AF_VSOCK, as three single-condition rules: runc turns several conditions
 * on one argument into separate libseccomp rules (an OR), so `!= AF_ALG && != AF_VSOCK` cannot be one rule.
 */
function socketRules(): Syscall[] {
  return [
    allow(['socket'], [{ index: 0, value: AF_ALG, op: 'SCMP_CMP_LT' }]),
    allow(['socket'], [{ index: 0, value: AF_ALG + 1, op: 'SCMP_CMP_EQ' }]),
    allow(['socket'], [{ index: 0, value: AF_VSOCK, op: 'SCMP_CMP_GT' }]),
  ];
}

/** Without CAP_SYS_ADMIN: clone without namespace flags (flags are argument 0 outside s390), clone3 -> ENOSYS. */
function namespaceFreeClone(): Syscall[] {
  return [
    allow(['clone'], [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]),
    { names: ['clone3'], action: ERRNO, errnoRet: ENOSYS },
  ];
}
