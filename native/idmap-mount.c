// idmap-mount USERNS SOURCE TARGET: mounts a clone of SOURCE at TARGET, idmapped through the user namespace USERNS
// (a /proc/<pid>/ns/user path). podlet's pods with `hostUsers: false` see their image layers through such mounts, so
// that the layers' root-owned files belong to the pod's own root. Neither Node nor Debian 12's util-linux (2.38)
// can make idmapped mounts: they need open_tree(2), mount_setattr(2) and move_mount(2) (Linux 5.12+).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(const char *what, const char *path) {
  fprintf(stderr, "idmap-mount: %s %s: %s\n", what, path, strerror(errno));
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: idmap-mount USERNS SOURCE TARGET\n");
    return 2;
  }
  const char *userns = argv[1], *source = argv[2], *target = argv[3];
  int ns = open(userns, O_RDONLY | O_CLOEXEC);
  if (ns < 0) return fail("open", userns);
  int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) return fail("open_tree", source);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned long long)ns};
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) return fail("mount_setattr", source);
  if (syscall(SYS_move_mount, tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) return fail("move_mount", target);
  return 0;
}
