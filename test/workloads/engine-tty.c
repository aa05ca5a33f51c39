/* A terminal program: started by the test under `script` (a pty as its controlling terminal and
 * stdio), it writes "N VALUE" every 100 ms both to the file argv[1] and to its terminal.
 * Frozen, it needs --shell-job and a terminal to come back to (engine/terminal.ts). */
#include "engine-common.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return 1;
  if (!isatty(1)) return 3;
  unsigned long long x = 88172645463325252ULL;
  for (unsigned long n = 0;; n++) {
    char line[64];
    int len = engine_counter_line(line, sizeof line, n, &x);
    if (write(fd, line, len) != len) return 1;
    if (write(1, line, len) != len) return 1;
    usleep(100 * 1000);
  }
}
