// The spawner's event loop: requests in, children started, their pipes fed and drained, reaped, answered.
// The protocol is described in spawner.h.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawner.h"

struct child {
  uint32_t id;
  pid_t pid;
  int reaped, status, answered;
  struct child_fds fds;
  struct buf in, out, err, sync;
  struct child *next;
};

static struct child *children;
static struct buf requests;

static void protocol_error(const char *what) {
  fprintf(stderr, "spawner: malformed request: %s\n", what);
  exit(65);
}

// ---- a child's pipes ----

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
    ssize_t n = write(c->fds.in, c->in.data + c->in.off, c->in.len - c->in.off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) break;  // EPIPE: the program exited or closed its input without reading it all, as Node tolerates
    c->in.off += (size_t)n;
  }
  close_fd(&c->fds.in);
  buf_free(&c->in);
}

// The spawner's end closes with the answer: a daemonized program that writes more later gets EPIPE, as it would
// once Node's caller destroyed its end of the pipe.
static void answer_sync(struct child *c, size_t len) {
  respond_sync(c->id, c->sync.data, len);
  c->answered = 1;
  close_fd(&c->fds.sync);
  buf_free(&c->sync);
}

static void read_sync(struct child *c) {
  drain(&c->fds.sync, &c->sync);
  const char *newline = c->sync.len ? memchr(c->sync.data, '\n', c->sync.len) : NULL;
  if (newline) answer_sync(c, (size_t)(newline - c->sync.data));
  else if (c->fds.sync < 0) answer_sync(c, c->sync.len);
}

// ---- requests ----

static void handle_spawn(const struct spawn_request *req) {
  pid_t pid;
  struct child_fds fds;
  struct spawn_failure failure;
  if (start_child(req, &pid, &fds, &failure)) {
    respond_error(req->id, &failure);
    return;
  }
  struct child *c = xrealloc(NULL, sizeof *c);
  *c = (struct child){.id = req->id, .pid = pid, .fds = fds};
  buf_append(&c->in, req->input, req->input_len);
  if (req->input_len == 0) close_fd(&c->fds.in);
  c->next = children;
  children = c;
}

// An answered call is over for the daemon, which may reuse its id: only children of pending calls are signalled.
static void handle_kill(uint32_t id, uint32_t sig) {
  for (struct child *c = children; c; c = c->next) {
    if (c->id != id || c->answered) continue;
    if (!c->reaped) kill(c->pid, (int)sig);
    // Whatever holds the sync pipe may not be the child: the wait ends with the kill, not with the holder.
    if (c->fds.sync >= 0) answer_sync(c, c->sync.len);
  }
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
  req.stderr_file = get_str(&r);
  req.cwd = get_str(&r);
  req.file = get_str(&r);
  req.argv = get_str_array(&r);
  req.envp = get_str_array(&r);
  req.input = get_bytes(&r, &req.input_len);
  if (!r.ok) protocol_error("spawn");
  handle_spawn(&req);
  free(req.stderr_file);
  free(req.cwd);
  free(req.file);
  free_str_array(req.argv);
  free_str_array(req.envp);
}

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

// ---- children's ends ----

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

// A SYNC_PIPE child was answered with its line; it is freed without a word once reaped.
static void finish_children(void) {
  for (struct child **link = &children; *link;) {
    struct child *c = *link;
    if (!c->reaped || c->fds.out >= 0 || c->fds.err >= 0 || c->fds.sync >= 0) {
      link = &c->next;
      continue;
    }
    if (!c->answered) respond_exit(c->id, c->status, &c->out, &c->err);
    close_fd(&c->fds.in);
    buf_free(&c->in);
    buf_free(&c->out);
    buf_free(&c->err);
    *link = c->next;
    free(c);
  }
}

// ---- the event loop ----

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

static void serve_child(struct child *c, int *fd) {
  if (fd == &c->fds.in) feed(c);
  else if (fd == &c->fds.sync) read_sync(c);
  else drain(fd, fd == &c->fds.out ? &c->out : &c->err);
}

static void serve(int sigfd) {
  struct pollfd *pfds = NULL;
  struct watch *watches = NULL;
  for (;;) {
    size_t cap = 3 + 4 * count_children(), n = 0;
    pfds = xrealloc(pfds, cap * sizeof *pfds);
    watches = xrealloc(watches, cap * sizeof *watches);
    int request_fd = REQUEST_FD, response_fd = RESPONSE_FD;
    add_fd(pfds, watches, &n, NULL, &sigfd, POLLIN);
    add_fd(pfds, watches, &n, NULL, &request_fd, POLLIN);
    if (responses.off < responses.len) add_fd(pfds, watches, &n, NULL, &response_fd, POLLOUT);
    for (struct child *c = children; c; c = c->next) {
      add_fd(pfds, watches, &n, c, &c->fds.in, POLLOUT);
      add_fd(pfds, watches, &n, c, &c->fds.out, POLLIN);
      add_fd(pfds, watches, &n, c, &c->fds.err, POLLIN);
      add_fd(pfds, watches, &n, c, &c->fds.sync, POLLIN);
    }
    if (poll(pfds, n, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (pfds[0].revents) reap(sigfd);
    for (size_t i = 0; i < n; i++)
      if (watches[i].child && pfds[i].revents && *watches[i].fd >= 0) serve_child(watches[i].child, watches[i].fd);
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
