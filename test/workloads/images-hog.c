/*
 * A memory hog for bench/inspect: touches MIB mebibytes (default 1024) so every page is present,
 * prints "ready PID", puts /dev/null on stdio and waits as a session leader (criu needs no -j).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
  size_t size = mib << 20;
  setsid();
  unsigned char *mem = malloc(size);
  if (!mem) {
    perror("malloc");
    return 1;
  }
  for (size_t i = 0; i < size; i += 4096) memset(mem + i, (int)(i >> 12) | 1, 4096);
  printf("ready %d\n", getpid());
  fflush(stdout);
  int devnull = open("/dev/null", O_RDWR);
  dup2(devnull, 0);
  dup2(devnull, 1);
  dup2(devnull, 2);
  for (;;) pause();
}
