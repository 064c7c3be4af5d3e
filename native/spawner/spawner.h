// spawner: starts podlet's subprocesses on behalf of the daemon, so that the daemon never calls fork().
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
//   1 spawn: u32 id, u32 flags, str stderr_file, str cwd (empty = inherit), str file, u32 argc, str argv[argc],
//            u32 envc, str env[envc], bytes stdin
//            flags: 1 = NULL_STDIO: stdio is /dev/null and nothing is captured: for a program that leaves a process
//                       behind holding what it inherited (runc create of a container nobody monitors)
//                   2 = SYNC_PIPE: stdio is /dev/null and fd 3 is a pipe; the answer is a sync response, for a
//                       program that daemonizes and reports on that pipe, then keeps it open (conmon)
//                   4 = NEW_SESSION: the child calls setsid(), so signals sent to the daemon's process group or
//                       terminal never reach it
//            stderr_file: empty = as the flags say; else the child's fd 2 is that file, opened O_WRONLY|O_APPEND|
//            O_CREAT with mode 0600 (a file that cannot be opened is an error response)
//   2 kill:  u32 id, u32 signal        (signals the child if it has not been reaped yet; otherwise nothing)
//            A SYNC_PIPE call still waiting for its line stops waiting: its sync response follows at once.
// Responses (spawner -> daemon), exactly one per spawn request:
//   3 exit:  u32 id, i32 status, bytes stdout, bytes stderr
//            status is the exit code, or 128 + the signal number when a signal ended the child. Sent once the
//            child has exited AND its stdout and stderr reached end-of-file, as Node's 'close' event is.
//   4 error: u32 id, i32 errno, str message ("spawn FILE ENOENT", the message Node's spawn gives; for the
//            stderr file, Node's fs message "ENOENT: no such file or directory, open 'PATH'")
//            the child never ran.
//   5 sync:  u32 id, bytes line
//            for SYNC_PIPE: the bytes before the first newline on the pipe, or all that came before end-of-file
//            (maybe nothing). No exit response follows; the child is reaped silently whenever it exits.
// The spawner exits as soon as the request pipe reaches end-of-file, leaving its children to finish on their own.
#ifndef PODLET_SPAWNER_H
#define PODLET_SPAWNER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum { REQ_SPAWN = 1, REQ_KILL = 2, RESP_EXIT = 3, RESP_ERROR = 4, RESP_SYNC = 5 };
enum { SPAWN_NULL_STDIO = 1, SPAWN_SYNC_PIPE = 2, SPAWN_NEW_SESSION = 4 };
enum { REQUEST_FD = 0, RESPONSE_FD = 1, SYNC_CHILD_FD = 3, READ_CHUNK = 65536 };

struct buf {
  char *data;
  size_t len, cap, off;  // off: bytes already consumed (written out or parsed)
};

struct spawn_request {
  uint32_t id, flags;
  char *stderr_file, *cwd, *file, **argv, **envp;
  const char *input;
  size_t input_len;
};

// The spawner's ends of a started child's pipes; -1 where there is none.
struct child_fds {
  int in, out, err, sync;
};

// A spawn that could not happen: errno, and the message of the error response.
struct spawn_failure {
  int err;
  char message[4096];
};

// buf.c: growable byte buffers, request parsing and response framing.
struct reader {
  const char *p, *end;
  int ok;
};

extern struct buf responses;

_Noreturn void die(const char *what);
void *xrealloc(void *p, size_t n);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_free(struct buf *b);
uint32_t get_u32(struct reader *r);
const char *get_bytes(struct reader *r, size_t *len);
char *get_str(struct reader *r);
char **get_str_array(struct reader *r);
void free_str_array(char **v);
void respond_error(uint32_t id, const struct spawn_failure *failure);
void respond_exit(uint32_t id, int status, const struct buf *out, const struct buf *err);
void respond_sync(uint32_t id, const char *line, size_t len);

// start.c: posix_spawn with the file actions a request asks for.
int start_child(const struct spawn_request *req, pid_t *pid, struct child_fds *fds, struct spawn_failure *failure);
void set_nonblocking(int fd);
void close_fd(int *fd);

#endif
