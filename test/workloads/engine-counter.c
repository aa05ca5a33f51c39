/* State only in memory: a counter written every 100 ms to a file kept open (argv[1]).
 * After freeze and restore the sequence must go on without a gap or a repeat. */
#include <stdlib.h>
#include <string.h>
#include "engine-common.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return 1;
  engine_ready_and_detach();
  /* A PRNG whose state lives only here: each line is "N VALUE". */
  unsigned long long x = 88172645463325252ULL;
  for (unsigned long n = 0;; n++) {
    char line[64];
    int len = engine_counter_line(line, sizeof line, n, &x);
    if (write(fd, line, len) != len) return 1;
    usleep(100 * 1000);
  }
}
