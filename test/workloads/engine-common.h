/* Shared by the engine workloads: print "ready PID", then leave the test's stdout pipe (so
 * CRIU sees no external pipe) and start an own session (so no --shell-job is needed). */
#ifndef ENGINE_COMMON_H
#define ENGINE_COMMON_H
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static inline void engine_ready_and_detach(void) {
  setsid();
  printf("ready %d\n", getpid());
  fflush(stdout);
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  if (null > 2) close(null);
}

/* The counter workloads' line n: "n x_n" with x a xorshift64 PRNG whose state lives only in
 * memory (the tests recompute the sequence: helpers.ts expectedLines). */
static inline int engine_counter_line(char *line, size_t size, unsigned long n, unsigned long long *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return snprintf(line, size, "%lu %llu\n", n, *x);
}
#endif
