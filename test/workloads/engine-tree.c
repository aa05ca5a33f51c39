/* A parent and two children joined by pipes, with data in flight: the parent writes into
 * pipe A (read by child 1), child 1 writes into pipe B (read by child 2), but nobody reads until
 * the trigger file argv[1] exists. Then each reader appends what it got to argv[2] and exits;
 * the parent reaps both and appends "parent done". */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "engine-common.h"

static const char *trigger, *out;

static void wait_trigger(void) {
  struct stat st;
  while (stat(trigger, &st) != 0) usleep(50 * 1000);
}

static void append(const char *who, int from) {
  char buf[128] = {0};
  ssize_t n = read(from, buf, sizeof buf - 1);
  if (n < 0) n = 0;
  buf[n] = 0;
  int fd = open(out, O_WRONLY | O_APPEND | O_CREAT, 0600);
  dprintf(fd, "%s got %s\n", who, buf);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  trigger = argv[1];
  out = argv[2];
  int a[2], b[2];
  if (pipe(a) || pipe(b)) return 1;
  engine_ready_and_detach();
  pid_t c1 = fork();
  if (c1 == 0) {
    close(a[1]);
    close(b[0]);
    if (write(b[1], "from-child1", 11) != 11) return 1;
    wait_trigger();
    append("child1", a[0]);
    return 0;
  }
  pid_t c2 = fork();
  if (c2 == 0) {
    close(a[0]);
    close(a[1]);
    close(b[1]);
    wait_trigger();
    usleep(100 * 1000);
    append("child2", b[0]);
    return 0;
  }
  close(a[0]);
  close(b[0]);
  close(b[1]);
  if (write(a[1], "from-parent", 11) != 11) return 1;
  waitpid(c1, NULL, 0);
  waitpid(c2, NULL, 0);
  int fd = open(out, O_WRONLY | O_APPEND | O_CREAT, 0600);
  dprintf(fd, "parent done\n");
  close(fd);
  for (;;) pause();
}
