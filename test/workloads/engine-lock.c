/* Holds an exclusive flock on argv[1] and sleeps. */
#include <sys/file.h>
#include "engine-common.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int fd = open(argv[1], O_RDWR | O_CREAT, 0600);
  if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) return 1;
  engine_ready_and_detach();
  for (;;) pause();
}
