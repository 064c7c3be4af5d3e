// spawner: starts podlet's short-lived subprocesses on behalf of the daemon, so that the daemon never calls fork().
// Node 20's libuv spawns with a plain fork() and waits until the child has exec'd: with a ~130 MB heap, each of the
// dozen programs a pod start runs copies the daemon's page tables while its event loop stands still. This process is
// small, and glibc's posix_spawn uses clone(CLONE_VM|CLONE_VFORK), which copies nothing.
//
// The daemon starts one spawner with stdin = request pipe, stdout = response pipe; stderr is inherited and carries
// only the spawner's own fatal messages. Every frame is little-endian and length-prefixed:
//   frame  = u32 body_length, body
//   body   = u8 type, fields...
//   str    = u32 length, bytes (no NUL terminator; a string must not contain NUL)
//   bytes  = u32 length, bytes
// Requests (daemon -> spawner):
//   1 spawn: u32 id, u32 flags, str cwd (empty = inherit), str file, u32 argc, str argv[argc], u32 envc,
//            str env[envc], bytes stdin
//            flags: 1 = stdio is /dev/null and nothing is captured: for a program that leaves a process behind
//            holding what it inherited (runc create of a container nobody monitors)
//   2 kill:  u32 id, u32 signal        (signals the child if it has not been reaped yet; otherwise nothing)
// Responses (spawner -> daemon):
//   3 exit:  u32 id, i32 status, bytes stdout, bytes stderr
//            status is the exit code, or 128 + the signal number when a signal ended the child. Sent once the
//            child has exited AND its stdout and stderr reached end-of-file, as Node's 'close' event is.
//   4 error: u32 id, i32 errno, str message ("spawn FILE ENOENT", the message Node's spawn gives)
//            the child never ran; no exit response follows.
// The spawner exits as soon as the request pipe reaches end-of-file, leaving its children to finish on their own.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

enum { REQ_SPAWN = 1, REQ_KILL = 2, RESP_EXIT = 3, RESP_ERROR = 4 };
enum { SPAWN_NULL_STDIO = 1 };
enum { REQUEST_FD = 0, RESPONSE_FD = 1, READ_CHUNK = 65536 };
// libuv's search path when the child's environment has no PATH (_PATH_DEFPATH), so lookups match Node's spawn.
static const char DEFAULT_PATH[] = "/usr/bin:/bin";

struct buf {
  char *data;
  size_t len, cap, off;  // off: bytes already consumed (written out or parsed)
};

struct child {
  uint32_t id;
  pid_t pid;
  int reaped, status;
  int in_fd, out_fd, err_fd;  // -1 once closed
  struct buf in, out, err;
  struct child *next;
};

struct spawn_request {
  uint32_t id, flags;
  char *cwd, *file, **argv, **envp;
  const char *input;
  size_t input_len;
};

static struct child *children;
static struct buf requests, responses;

static void die(const char *what) {
  fprintf(stderr, "spawner: %s: %s\n", what, strerror(errno));
  exit(70);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die("out of memory");
  return q;
}

static void buf_reserve(struct buf *b, size_t extra) {
  if (b->cap - b->len >= extra) return;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap - b->len < extra) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

static void buf_append(struct buf *b, const void *p, size_t n) {
  buf_reserve(b, n);
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void buf_free(struct buf *b) {
  free(b->data);
  *b = (struct buf){0};
}

static void put_u32(struct buf *b, uint32_t v) {
  unsigned char le[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24};
  buf_append(b, le, 4);
}

static void put_bytes(struct buf *b, const char *p, size_t n) {
  put_u32(b, (uint32_t)n);
  buf_append(b, p, n);
}

// Frames are built in place: the length slot is patched once the body is complete.
static size_t begin_frame(uint8_t type) {
  size_t start = responses.len;
  put_u32(&responses, 0);
  buf_append(&responses, &type, 1);
  return start;
}

static void end_frame(size_t start) {
  uint32_t body = (uint32_t)(responses.len - start - 4);
  unsigned char le[4] = {body & 0xff, (body >> 8) & 0xff, (body >> 16) & 0xff, body >> 24};
  memcpy(responses.data + start, le, 4);
}

static void respond_error(uint32_t id, const char *file, int err) {
  const char *name = strerrorname_np(err);
  char message[4096];
  snprintf(message, sizeof message, "spawn %s %s", file, name ? name : strerror(err));
  size_t start = begin_frame(RESP_ERROR);
  put_u32(&responses, id);
  put_u32(&responses, (uint32_t)err);
  put_bytes(&responses, message, strlen(message));
  end_frame(start);
}

static void respond_exit(const struct child *c) {
  size_t start = begin_frame(RESP_EXIT);
  put_u32(&responses, c->id);
  put_u32(&responses, (uint32_t)c->status);
  put_bytes(&responses, c->out.data, c->out.len);
  put_bytes(&responses, c->err.data, c->err.len);
  end_frame(start);
}

// ---- reading requests ----

struct reader {
  const char *p, *end;
  int ok;
};

static uint32_t get_u32(struct reader *r) {
  if (r->end - r->p < 4) return r->ok = 0;
  const unsigned char *u = (const unsigned char *)r->p;
  r->p += 4;
  return u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

static const char *get_bytes(struct reader *r, size_t *len) {
  *len = get_u32(r);
  if (!r->ok || (size_t)(r->end - r->p) < *len) return r->ok = 0, NULL;
  const char *p = r->p;
  r->p += *len;
  return p;
}

static char *get_str(struct reader *r) {
  size_t len;
  const char *p = get_bytes(r, &len);
  if (!p) return NULL;
  char *s = xrealloc(NULL, len + 1);
  memcpy(s, p, len);
  s[len] = '\0';
  return s;
}

static char **get_str_array(struct reader *r) {
  uint32_t n = get_u32(r);
  if (!r->ok || n > (size_t)(r->end - r->p) / 4) return r->ok = 0, NULL;
  char **v = xrealloc(NULL, (n + 1) * sizeof *v);
  for (uint32_t i = 0; i < n; i++) v[i] = get_str(r);
  v[n] = NULL;
  return v;
}

static void free_str_array(char **v) {
  for (char **s = v; s && *s; s++) free(*s);
  free(v);
}

static void protocol_error(const char *what) {
  fprintf(stderr, "spawner: malformed request: %s\n", what);
  exit(65);
}

// ---- starting a child ----

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
    err = posix_spawn(pid, candidate, actions, attr, req->argv, req->envp);
    if (err == EACCES) seen_eacces = 1;
    else if (err != ENOENT && err != ENOTDIR) break;
    dir = colon;
    if (*colon == '\0') break;
  }
  free(candidate);
  return (err == ENOENT || err == ENOTDIR) && seen_eacces ? EACCES : err;
}

static void set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl");
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

// Running out of descriptors (EMFILE) fails this one call, as it would fail Node's spawn, not the spawner.
static int make_pipes(int pipes[3][2]) {
  for (int i = 0; i < 3; i++) {
    if (pipe2(pipes[i], O_CLOEXEC) == 0) continue;
    int err = errno;
    while (i-- > 0) close(pipes[i][0]), close(pipes[i][1]);
    return err;
  }
  return 0;
}

// /dev/null in place of every pipe end, so that start_child treats both kinds alike; the daemon's ends are closed.
static int null_pipes(int pipes[3][2]) {
  for (int i = 0; i < 3; i++) {
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      while (i-- > 0) close(pipes[i][0]), close(pipes[i][1]);
      return err;
    }
    pipes[i][0] = fd;
    pipes[i][1] = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (pipes[i][1] < 0) die("dup /dev/null");
  }
  return 0;
}

// The pipes are close-on-exec so that no child inherits another child's pipe; dup2 onto 0-2 clears the flag.
// Children get an empty signal mask and default dispositions: the spawner blocks SIGCHLD and ignores others.
static int start_child(const struct spawn_request *req, pid_t *pid, int fds[3]) {
  int pipes[3][2];
  int err = req->flags & SPAWN_NULL_STDIO ? null_pipes(pipes) : make_pipes(pipes);
  if (err) return err;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  if (posix_spawn_file_actions_init(&actions) || posix_spawnattr_init(&attr)) die("posix_spawn init");
  posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0);
  posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2);
  if (req->cwd[0]) posix_spawn_file_actions_addchdir_np(&actions, req->cwd);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  err = spawn_in_path(pid, req, &actions, &attr);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(pipes[0][0]);
  close(pipes[1][1]);
  close(pipes[2][1]);
  fds[0] = pipes[0][1];
  fds[1] = pipes[1][0];
  fds[2] = pipes[2][0];
  for (int i = 0; i < 3; i++) {
    if (err || req->flags & SPAWN_NULL_STDIO) close_fd(&fds[i]);
    else set_nonblocking(fds[i]);
  }
  return err;
}

static void handle_spawn(const struct spawn_request *req) {
  pid_t pid;
  int fds[3];
  int err = start_child(req, &pid, fds);
  if (err) {
    respond_error(req->id, req->file, err);
    return;
  }
  struct child *c = xrealloc(NULL, sizeof *c);
  *c = (struct child){.id = req->id, .pid = pid, .in_fd = fds[0], .out_fd = fds[1], .err_fd = fds[2]};
  buf_append(&c->in, req->input, req->input_len);
  if (req->input_len == 0) close_fd(&c->in_fd);
  c->next = children;
  children = c;
}

static void handle_kill(uint32_t id, uint32_t sig) {
  for (struct child *c = children; c; c = c->next)
    if (c->id == id && !c->reaped) kill(c->pid, (int)sig);
}

static void handle_request(const char *body, size_t len) {
  struct reader r = {body + 1, body + len, len >= 1};
  uint8_t type = r.ok ? (uint8_t)body[0] : 0;
  if (type == REQ_KILL) {
    uint32_t id = get_u32(&r), sig = get_u32(&r);
    if (!r.ok) protocol_error("kill");
    handle_kill(id, sig);
    return;
  }
  if (type != REQ_SPAWN) protocol_error("unknown type");
  struct spawn_request req = {.id = get_u32(&r)};
  req.flags = get_u32(&r);
  req.cwd = get_str(&r);
  req.file = get_str(&r);
  req.argv = get_str_array(&r);
  req.envp = get_str_array(&r);
  req.input = get_bytes(&r, &req.input_len);
  if (!r.ok) protocol_error("spawn");
  handle_spawn(&req);
  free(req.cwd);
  free(req.file);
  free_str_array(req.argv);
  free_str_array(req.envp);
}

// ---- the event loop ----

// Frames may arrive split or several at a time; whole ones are handled, the rest waits for more bytes.
static void read_requests(void) {
  buf_reserve(&requests, READ_CHUNK);
  ssize_t n = read(REQUEST_FD, requests.data + requests.len, READ_CHUNK);
  if (n == 0) exit(0);  // the daemon is gone or done with us; children finish on their own, as with Node's spawn
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN) return;
    die("read request");
  }
  requests.len += (size_t)n;
  for (;;) {
    size_t avail = requests.len - requests.off;
    if (avail < 4) break;
    struct reader r = {requests.data + requests.off, requests.data + requests.len, 1};
    uint32_t body = get_u32(&r);
    if (avail - 4 < body) break;
    requests.off += 4 + body;
    handle_request(r.p, body);
  }
  if (requests.off == 0) return;
  memmove(requests.data, requests.data + requests.off, requests.len - requests.off);
  requests.len -= requests.off;
  requests.off = 0;
}

// Responses are queued and written only as far as the pipe takes them: the spawner never blocks on the daemon.
static void write_responses(void) {
  while (responses.off < responses.len) {
    ssize_t n = write(RESPONSE_FD, responses.data + responses.off, responses.len - responses.off);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      if (errno == EPIPE) exit(0);
      die("write response");
    }
    responses.off += (size_t)n;
  }
  // Moving the unwritten tail only once at least half is written keeps a slow reader from costing quadratic copies.
  if (responses.off < responses.len - responses.off) return;
  memmove(responses.data, responses.data + responses.off, responses.len - responses.off);
  responses.len -= responses.off;
  responses.off = 0;
}

static void reap(int sigfd) {
  struct signalfd_siginfo info;
  while (read(sigfd, &info, sizeof info) > 0) continue;
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (struct child *c = children; c; c = c->next) {
      if (c->pid != pid) continue;
      c->reaped = 1;
      c->status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    }
  }
}

static void drain(int *fd, struct buf *b) {
  for (;;) {
    buf_reserve(b, READ_CHUNK);
    ssize_t n = read(*fd, b->data + b->len, READ_CHUNK);
    if (n > 0) {
      b->len += (size_t)n;
      if (n < READ_CHUNK) return;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    close_fd(fd);  // end-of-file, or an error that ends the stream all the same
    return;
  }
}

static void feed(struct child *c) {
  while (c->in.off < c->in.len) {
    ssize_t n = write(c->in_fd, c->in.data + c->in.off, c->in.len - c->in.off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) break;  // EPIPE: the program exited or closed its input without reading it all, as Node tolerates
    c->in.off += (size_t)n;
  }
  close_fd(&c->in_fd);
  buf_free(&c->in);
}

static void finish_children(void) {
  for (struct child **link = &children; *link;) {
    struct child *c = *link;
    if (!c->reaped || c->out_fd >= 0 || c->err_fd >= 0) {
      link = &c->next;
      continue;
    }
    respond_exit(c);
    close_fd(&c->in_fd);
    buf_free(&c->in);
    buf_free(&c->out);
    buf_free(&c->err);
    *link = c->next;
    free(c);
  }
}

struct watch {
  struct child *child;
  int *fd;
};

static size_t count_children(void) {
  size_t n = 0;
  for (struct child *c = children; c; c = c->next) n++;
  return n;
}

static void add_fd(struct pollfd *pfds, struct watch *watches, size_t *n, struct child *c, int *fd, short events) {
  if (*fd < 0) return;
  pfds[*n] = (struct pollfd){.fd = *fd, .events = events};
  watches[*n] = (struct watch){c, fd};
  (*n)++;
}

static void serve(int sigfd) {
  struct pollfd *pfds = NULL;
  struct watch *watches = NULL;
  for (;;) {
    size_t cap = 3 + 3 * count_children(), n = 0;
    pfds = xrealloc(pfds, cap * sizeof *pfds);
    watches = xrealloc(watches, cap * sizeof *watches);
    int request_fd = REQUEST_FD, response_fd = RESPONSE_FD;
    add_fd(pfds, watches, &n, NULL, &sigfd, POLLIN);
    add_fd(pfds, watches, &n, NULL, &request_fd, POLLIN);
    if (responses.off < responses.len) add_fd(pfds, watches, &n, NULL, &response_fd, POLLOUT);
    for (struct child *c = children; c; c = c->next) {
      add_fd(pfds, watches, &n, c, &c->in_fd, POLLOUT);
      add_fd(pfds, watches, &n, c, &c->out_fd, POLLIN);
      add_fd(pfds, watches, &n, c, &c->err_fd, POLLIN);
    }
    if (poll(pfds, n, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (pfds[0].revents) reap(sigfd);
    for (size_t i = 0; i < n; i++) {
      struct child *c = watches[i].child;
      if (!c || !pfds[i].revents) continue;
      if (watches[i].fd == &c->in_fd) feed(c);
      else drain(watches[i].fd, watches[i].fd == &c->out_fd ? &c->out : &c->err);
    }
    finish_children();
    // Requests come last: they add children, which the watches above must not see half-registered.
    if (pfds[1].revents) read_requests();
    write_responses();
  }
}

int main(void) {
  // SIGCHLD arrives through a signalfd, so it must be blocked. Terminal and service-manager signals are ignored:
  // the spawner's life is tied to the daemon's request pipe, so that the daemon's own shutdown can still run programs.
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0) die("sigprocmask");
  int ignored[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++) signal(ignored[i], SIG_IGN);
  int sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sigfd < 0) die("signalfd");
  set_nonblocking(RESPONSE_FD);
  serve(sigfd);
}
