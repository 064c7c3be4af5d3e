// Byte buffers, and the two directions of the protocol described in spawner.h: parsing requests, framing responses.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spawner.h"

struct buf responses;

_Noreturn void die(const char *what) {
  fprintf(stderr, "spawner: %s: %s\n", what, strerror(errno));
  exit(70);
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die("out of memory");
  return q;
}

void buf_reserve(struct buf *b, size_t extra) {
  if (b->cap - b->len >= extra) return;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap - b->len < extra) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

void buf_append(struct buf *b, const void *p, size_t n) {
  buf_reserve(b, n);
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

void buf_free(struct buf *b) {
  free(b->data);
  *b = (struct buf){0};
}

// ---- reading requests ----

uint32_t get_u32(struct reader *r) {
  if (r->end - r->p < 4) return r->ok = 0;
  const unsigned char *u = (const unsigned char *)r->p;
  r->p += 4;
  return u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

const char *get_bytes(struct reader *r, size_t *len) {
  *len = get_u32(r);
  if (!r->ok || (size_t)(r->end - r->p) < *len) return r->ok = 0, NULL;
  const char *p = r->p;
  r->p += *len;
  return p;
}

char *get_str(struct reader *r) {
  size_t len;
  const char *p = get_bytes(r, &len);
  if (!p) return NULL;
  char *s = xrealloc(NULL, len + 1);
  memcpy(s, p, len);
  s[len] = '\0';
  return s;
}

char **get_str_array(struct reader *r) {
  uint32_t n = get_u32(r);
  if (!r->ok || n > (size_t)(r->end - r->p) / 4) return r->ok = 0, NULL;
  char **v = xrealloc(NULL, (n + 1) * sizeof *v);
  for (uint32_t i = 0; i < n; i++) v[i] = get_str(r);
  v[n] = NULL;
  return v;
}

void free_str_array(char **v) {
  for (char **s = v; s && *s; s++) free(*s);
  free(v);
}

// ---- framing responses ----

static void put_u32(struct buf *b, uint32_t v) {
  unsigned char le[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24};
  buf_append(b, le, 4);
}

static void put_bytes(struct buf *b, const char *p, size_t n) {
  put_u32(b, (uint32_t)n);
  buf_append(b, p, n);
}

// Frames are built in place: the length slot is patched once the body is complete.
static size_t begin_frame(uint8_t type, uint32_t id) {
  size_t start = responses.len;
  put_u32(&responses, 0);
  buf_append(&responses, &type, 1);
  put_u32(&responses, id);
  return start;
}

static void end_frame(size_t start) {
  uint32_t body = (uint32_t)(responses.len - start - 4);
  unsigned char le[4] = {body & 0xff, (body >> 8) & 0xff, (body >> 16) & 0xff, body >> 24};
  memcpy(responses.data + start, le, 4);
}

void respond_error(uint32_t id, const struct spawn_failure *failure) {
  size_t start = begin_frame(RESP_ERROR, id);
  put_u32(&responses, (uint32_t)failure->err);
  put_bytes(&responses, failure->message, strlen(failure->message));
  end_frame(start);
}

void respond_exit(uint32_t id, int status, const struct buf *out, const struct buf *err) {
  size_t start = begin_frame(RESP_EXIT, id);
  put_u32(&responses, (uint32_t)status);
  put_bytes(&responses, out->data, out->len);
  put_bytes(&responses, err->data, err->len);
  end_frame(start);
}

void respond_sync(uint32_t id, const char *line, size_t len) {
  size_t start = begin_frame(RESP_SYNC, id);
  put_bytes(&responses, line, len);
  end_frame(start);
}
