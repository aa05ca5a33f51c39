/* Fills argv[1] MiB with a pattern. On SIGUSR1 it checks the pattern and writes
 * "verified ok|bad N" to argv[2] (N counts the checks), so a test can tell the memory is intact
 * and the process runs. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "engine-common.h"

static volatile sig_atomic_t check;
static void on_usr1(int sig) { (void)sig; check = 1; }

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  size_t words = (size_t)atol(argv[1]) * 1024 * 1024 / sizeof(unsigned long);
  unsigned long *mem = malloc(words * sizeof *mem);
  if (!mem) return 1;
  for (size_t i = 0; i < words; i++) mem[i] = i * 2654435761UL;
  signal(SIGUSR1, on_usr1);
  engine_ready_and_detach();
  for (unsigned n = 1;; n++) {
    while (!check) pause();
    check = 0;
    int ok = 1;
    for (size_t i = 0; i < words; i++) if (mem[i] != i * 2654435761UL) { ok = 0; break; }
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dprintf(fd, "verified %s %u\n", ok ? "ok" : "bad", n);
    close(fd);
  }
}
