// Starting one child with posix_spawn: its stdio, the optional sync pipe and stderr file, its session.
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawner.h"

// libuv's search path when the child's environment has no PATH (_PATH_DEFPATH), so lookups match Node's spawn.
static const char DEFAULT_PATH[] = "/usr/bin:/bin";

// The child's fds 0-2 and the sync pipe: [i][0] is the read end, [i][1] the write end; -1 where there is none.
typedef int pipe_set[4][2];

void set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl");
}

void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static const char *env_path(char *const *envp) {
  for (char *const *e = envp; *e; e++)
    if (strncmp(*e, "PATH=", 5) == 0) return *e + 5;
  return DEFAULT_PATH;
}

// posix_spawnp would search the spawner's own PATH; Node searches the child's, trying each entry the way execvp
// does (libuv's uv__execvpe): a missing entry moves on, EACCES is remembered, any other failure stops the search.
static int spawn_in_path(pid_t *pid, const struct spawn_request *req, const posix_spawn_file_actions_t *actions,
                         const posix_spawnattr_t *attr) {
  if (strchr(req->file, '/')) return posix_spawn(pid, req->file, actions, attr, req->argv, req->envp);
  if (req->file[0] == '\0') return ENOENT;
  const char *path = env_path(req->envp);
  size_t file_len = strlen(req->file);
  char *candidate = xrealloc(NULL, strlen(path) + file_len + 2);
  int err = ENOENT, seen_eacces = 0;
  for (const char *dir = path;; dir++) {
    const char *colon = strchrnul(dir, ':');
    size_t dir_len = (size_t)(colon - dir);
    memcpy(candidate, dir, dir_len);
    if (dir_len) candidate[dir_len++] = '/';  // an empty entry means the working directory
    memcpy(candidate + dir_len, req->file, file_len + 1);
    // Asked first: a posix_spawn of a missing file still makes a child that fails its exec, which with a long PATH
    // cost more than the program that is found at last.
    err = access(candidate, X_OK) == 0 ? posix_spawn(pid, candidate, actions, attr, req->argv, req->envp) : errno;
    if (err == EACCES) seen_eacces = 1;
    else if (err != ENOENT && err != ENOTDIR) break;
    dir = colon;
    if (*colon == '\0') break;
  }
  free(candidate);
  return (err == ENOENT || err == ENOTDIR) && seen_eacces ? EACCES : err;
}

// /dev/null in place of both ends, so that the rest treats both kinds alike; the spawner's end is closed unused.
static int null_pipe(int p[2]) {
  p[0] = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (p[0] < 0) return errno;
  p[1] = fcntl(p[0], F_DUPFD_CLOEXEC, 0);
  if (p[1] < 0) die("dup /dev/null");
  return 0;
}

// Every end is close-on-exec so that no child inherits another child's pipe; dup2 onto 0-3 clears the flag.
// Running out of descriptors (EMFILE) fails this one call, as it would fail Node's spawn, not the spawner.
static int make_pipes(uint32_t flags, pipe_set pipes) {
  int null_stdio = flags & (SPAWN_NULL_STDIO | SPAWN_SYNC_PIPE);
  for (int i = 0; i < 3; i++) {
    int err = null_stdio ? null_pipe(pipes[i]) : pipe2(pipes[i], O_CLOEXEC) < 0 ? errno : 0;
    if (err) return err;
  }
  if (flags & SPAWN_SYNC_PIPE && pipe2(pipes[3], O_CLOEXEC) < 0) return errno;
  return 0;
}

// Children get an empty signal mask and default dispositions: the spawner blocks SIGCHLD and ignores others.
static int spawn_with(const struct spawn_request *req, pid_t *pid, pipe_set pipes, int stderr_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  if (posix_spawn_file_actions_init(&actions) || posix_spawnattr_init(&attr)) die("posix_spawn init");
  posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0);
  posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1);
  posix_spawn_file_actions_adddup2(&actions, stderr_fd >= 0 ? stderr_fd : pipes[2][1], 2);
  if (pipes[3][1] >= 0) posix_spawn_file_actions_adddup2(&actions, pipes[3][1], SYNC_CHILD_FD);
  if (req->cwd[0]) posix_spawn_file_actions_addchdir_np(&actions, req->cwd);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (req->flags & SPAWN_NEW_SESSION) flags |= POSIX_SPAWN_SETSID;
  posix_spawnattr_setflags(&attr, flags);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  int err = spawn_in_path(pid, req, &actions, &attr);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return err;
}

static int fail_spawn(struct spawn_failure *failure, const char *file, int err) {
  const char *name = strerrorname_np(err);
  failure->err = err;
  snprintf(failure->message, sizeof failure->message, "spawn %s %s", file, name ? name : strerror(err));
  return err;
}

// The stderr file is opened here rather than by a file action in the child: a failed action's errno would read as
// a missing program to the PATH search, and the message would name the program instead of the file. The message
// is the one Node's fs.openSync gives, so that exec.ts's fallback without a spawner reports the same.
static int open_stderr_file(const char *path, int *fd, struct spawn_failure *failure) {
  *fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (*fd >= 0) return 0;
  int err = errno;
  const char *name = strerrorname_np(err);
  char description[256];
  snprintf(description, sizeof description, "%s", strerror(err));
  description[0] = (char)tolower((unsigned char)description[0]);
  failure->err = err;
  snprintf(failure->message, sizeof failure->message, "%s: %s, open '%s'", name ? name : "E?", description, path);
  return err;
}

int start_child(const struct spawn_request *req, pid_t *pid, struct child_fds *fds, struct spawn_failure *failure) {
  pipe_set pipes = {{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}};
  int stderr_fd = -1;
  int err = make_pipes(req->flags, pipes);
  if (err) fail_spawn(failure, req->file, err);
  else if (req->stderr_file[0]) err = open_stderr_file(req->stderr_file, &stderr_fd, failure);
  if (!err && (err = spawn_with(req, pid, pipes, stderr_fd))) fail_spawn(failure, req->file, err);
  close_fd(&stderr_fd);
  for (int i = 0; i < 4; i++) close_fd(&pipes[i][i == 0 ? 0 : 1]);  // the child's ends
  *fds = (struct child_fds){.in = pipes[0][1], .out = pipes[1][0], .err = pipes[2][0], .sync = pipes[3][0]};
  int *ends[] = {&fds->in, &fds->out, &fds->err, &fds->sync};
  for (int i = 0; i < 4; i++) {
    // With /dev/null for stdio, the spawner's ends of 0-2 are /dev/null too: nothing to feed or collect.
    int unused = err || (i < 3 && req->flags & (SPAWN_NULL_STDIO | SPAWN_SYNC_PIPE));
    if (unused) close_fd(ends[i]);
    else if (*ends[i] >= 0) set_nonblocking(*ends[i]);
  }
  return err;
}
