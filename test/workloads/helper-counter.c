/*
 * In-memory state for the polkit helper tests: a counter that only lives in memory, written to a
 * state file every 20 ms (the file is output only; the value is never read back), through a
 * temporary file and rename(2) so that a reader never sees it empty, even when the process is
 * frozen or killed between two writes. After a
 * restore the count continues from where it was, which proves the memory came back.
 *
 * usage: helper-counter STATEFILE [THREADS [MEMFD_MIB]]
 * Prints "ready PID", then becomes a session leader with stdio on /dev/null (so CRIU needs no
 * --shell-job and no external pipe is cut). MEMFD_MIB > 0 also keeps a memfd of that size open
 * without mapping it: CRIU stores its contents, yet they are not in the process's resident memory
 * (a dump larger than the helper's estimate before CRIU).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <errno.h>
#include <unistd.h>

#include "engine-common.h"

static void *idle(void *arg) {
  (void)arg;
  for (;;) pause();
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int threads = argc > 2 ? atoi(argv[2]) : 0;
  for (int i = 0; i < threads; i++) {
    pthread_t t;
    pthread_create(&t, NULL, idle, NULL);
  }
  engine_ready_and_detach();
  for (int fd = 3; fd < 1024; fd++) close(fd);
  int memfd_mib = argc > 3 ? atoi(argv[3]) : 0;
  if (memfd_mib > 0) {
    int m = memfd_create("icebox-test", 0);
    static char chunk[1 << 20];
    memset(chunk, 0x5a, sizeof chunk);
    for (int i = 0; m >= 0 && i < memfd_mib; i++) {
      if (write(m, chunk, sizeof chunk) < 0) return 3;
    }
  }
  volatile unsigned long counter = 0;
  char buf[32];
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
  /* Only a regular state file (or a new one) is replaced by rename: a state file of /dev/null,
   * written by a setuid-root copy in the tests, must stay the device. */
  struct stat st;
  int atomic = lstat(argv[1], &st) < 0 ? errno == ENOENT : S_ISREG(st.st_mode);
  for (;;) {
    counter++;
    int fd = atomic ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
    if (fd < 0) {
      atomic = 0;
      fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    if (fd >= 0) {
      int n = snprintf(buf, sizeof buf, "%lu\n", counter);
      if (write(fd, buf, n) < 0) {
      }
      close(fd);
      if (atomic && rename(tmp, argv[1]) < 0) {
      }
    }
    usleep(20000);
  }
}
