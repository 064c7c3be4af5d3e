// pod-mount: the mount(2) and unshare(2) calls of a pod's start, made by one small process each instead of
// mount(8), ip(8) and unshare(1): those load libmount, libblkid and libselinux (or iproute2's netlink set-up) and
// cost about 2-4 ms of CPU each, several times per pod (docs/decisions/0050).
//
//   pod-mount mount FSTYPE SOURCE TARGET [OPTIONS]
//       OPTIONS is mount(8)'s comma-separated list: the generic names (ro, nosuid, nodev, noexec, bind, remount,
//       noatime, ...) become mount flags, everything else is passed to the filesystem as its data.
//   pod-mount pin [net=FILE] [ipc=FILE] [uts=FILE]
//       New namespaces of those kinds, each held by a bind mount of /proc/self/ns/<kind> on FILE (created; a net
//       FILE must not exist yet). For net, FILE's directory becomes a shared mount point first, as `ip netns add`
//       makes /run/netns, so that the pin's unmount reaches every mount namespace. On failure nothing is left.
//
// Errors go to stderr as one line, "pod-mount: <what> <path>: <strerror>"; the exit status is then 1 (2 for usage).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *what, const char *path) {
  fprintf(stderr, "pod-mount: %s %s: %s\n", what, path, strerror(errno));
  return 1;
}

static int usage(void) {
  fprintf(stderr, "usage: pod-mount mount FSTYPE SOURCE TARGET [OPTIONS] | pod-mount pin [net=F] [ipc=F] [uts=F]\n");
  return 2;
}

struct flag_name {
  const char *name;
  unsigned long set, clear;
};

// mount(8)'s generic options (libmount's optmap), the ones that are mount flags rather than filesystem data.
static const struct flag_name FLAGS[] = {
    {"defaults", 0, 0},          {"ro", MS_RDONLY, 0},          {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},    {"suid", 0, MS_NOSUID},        {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},        {"noexec", MS_NOEXEC, 0},      {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0}, {"async", 0, MS_SYNCHRONOUS},  {"dirsync", MS_DIRSYNC, 0},
    {"remount", MS_REMOUNT, 0},  {"bind", MS_BIND, 0},          {"rbind", MS_BIND | MS_REC, 0},
    {"noatime", MS_NOATIME, 0},  {"atime", 0, MS_NOATIME},      {"nodiratime", MS_NODIRATIME, 0},
    {"diratime", 0, MS_NODIRATIME}, {"relatime", MS_RELATIME, 0}, {"norelatime", 0, MS_RELATIME},
    {"strictatime", MS_STRICTATIME, 0},
};

static const struct flag_name *flag_named(const char *name) {
  for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++)
    if (strcmp(FLAGS[i].name, name) == 0) return &FLAGS[i];
  return NULL;
}

static int do_mount(const char *fstype, const char *source, const char *target, const char *options) {
  char *opts = strdup(options), *data = calloc(1, strlen(options) + 1), *save = NULL;
  if (!opts || !data) return fail("allocate options for", target);
  unsigned long flags = 0;
  for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
    const struct flag_name *f = flag_named(o);
    if (f) {
      flags = (flags | f->set) & ~f->clear;
      continue;
    }
    if (*data) strcat(data, ",");
    strcat(data, o);
  }
  if (mount(source, target, fstype, flags, *data ? data : NULL) < 0) {
    fprintf(stderr, "pod-mount: mount %s %s on %s: %s\n", fstype, source, target, strerror(errno));
    return 1;
  }
  return 0;
}

enum { NET, IPC, UTS, KINDS };
static const char *const KIND_NAMES[KINDS] = {"net", "ipc", "uts"};
static const int KIND_FLAGS[KINDS] = {CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS};

// ip-netns's set-up of its directory: a mount point of its own, shared, made so on first use.
static int share_dir(const char *file) {
  char *copy = strdup(file);
  if (!copy) return fail("allocate", file);
  const char *dir = dirname(copy);
  if (mkdir(dir, 0755) < 0 && errno != EEXIST) return fail("mkdir", dir);
  for (int bound = 0; mount("", dir, "none", MS_SHARED | MS_REC, NULL) < 0; bound = 1) {
    if (errno != EINVAL || bound) return fail("make shared", dir);
    if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL) < 0) return fail("bind", dir);
  }
  return 0;
}

static void unpin(const char *const files[KINDS], int made) {
  for (int k = 0; k < KINDS; k++) {
    if (!(made & (1 << k))) continue;
    umount2(files[k], MNT_DETACH);
    unlink(files[k]);
  }
}

static int do_pin(int argc, char **argv) {
  const char *files[KINDS] = {NULL, NULL, NULL};
  int flags = 0;
  for (int i = 0; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    int k = 0;
    while (k < KINDS && !(eq && (size_t)(eq - argv[i]) == strlen(KIND_NAMES[k]) &&
                          strncmp(argv[i], KIND_NAMES[k], strlen(KIND_NAMES[k])) == 0))
      k++;
    if (k == KINDS || eq[1] == '\0' || files[k]) return usage();
    files[k] = eq + 1;
    flags |= KIND_FLAGS[k];
  }
  if (flags == 0) return usage();
  if (files[NET] && share_dir(files[NET])) return 1;
  int made = 0;
  for (int k = 0; k < KINDS; k++) {
    if (!files[k]) continue;
    int fd = open(files[k], O_RDONLY | O_CREAT | O_CLOEXEC | (k == NET ? O_EXCL : 0), 0);
    if (fd < 0) {
      int err = errno;
      unpin(files, made);
      errno = err;
      return fail("create", files[k]);
    }
    close(fd);
    made |= 1 << k;
  }
  if (unshare(flags) < 0) {
    int err = errno;
    unpin(files, made);
    errno = err;
    return fail("unshare for", files[0] ? files[0] : files[1] ? files[1] : files[2]);
  }
  for (int k = 0; k < KINDS; k++) {
    if (!files[k]) continue;
    char self[32];
    snprintf(self, sizeof self, "/proc/self/ns/%s", KIND_NAMES[k]);
    if (mount(self, files[k], "none", MS_BIND, NULL) < 0) {
      int err = errno;
      unpin(files, made);
      errno = err;
      return fail("bind namespace on", files[k]);
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 5 && argc <= 6 && strcmp(argv[1], "mount") == 0)
    return do_mount(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : "");
  if (argc >= 3 && strcmp(argv[1], "pin") == 0) return do_pin(argc - 2, argv + 2);
  return usage();
}
