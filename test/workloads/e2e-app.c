/* Workloads for the Chromium e2e tests of the UI.
 *
 * usage: e2e-app tree        parent "e2e-tree" + child "e2e-tree-kid" joined by a pipe
 *        e2e-app net PORT    parent "e2e-net" + child "e2e-net-kid" joined by a pipe; the child
 *                            also holds a TCP connection to 127.0.0.1:PORT
 *        e2e-app device      "e2e-dev" holding /dev/kmsg open (a device CRIU cannot save)
 * The parent prints "ready PARENT [CHILD]" on the original stdout (kept as fd 99) and closes it,
 * so no pipe to the test is left; every process is in its own session with stdio on /dev/null.
 * The parent writes a tick into the pipe every second and the child reads it. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void detach_stdio(void) {
  dup2(1, 99);
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  if (null > 2) close(null);
  setsid();
}

static int tcp_connect(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
    dprintf(99, "error connect\n");
    exit(1);
  }
  return s;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *mode = argv[1];
  detach_stdio();
  if (strcmp(mode, "device") == 0) {
    prctl(PR_SET_NAME, "e2e-dev");
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
      dprintf(99, "error open /dev/kmsg\n");
      return 1;
    }
    dprintf(99, "ready %d\n", getpid());
    close(99);
    for (;;) pause();
  }
  int net = strcmp(mode, "net") == 0;
  int port = net && argc > 2 ? atoi(argv[2]) : 0;
  prctl(PR_SET_NAME, net ? "e2e-net" : "e2e-tree");
  int data[2], sync[2];
  if (pipe(data) || pipe(sync)) return 1;
  pid_t kid = fork();
  if (kid == 0) {
    close(99);
    close(data[1]);
    close(sync[0]);
    prctl(PR_SET_NAME, net ? "e2e-net-kid" : "e2e-tree-kid");
    if (net) tcp_connect(port);
    if (write(sync[1], "k", 1) != 1) return 1;
    close(sync[1]);
    char buf[64];
    for (;;) {
      if (read(data[0], buf, sizeof buf) <= 0) pause();
    }
  }
  close(data[0]);
  close(sync[1]);
  char c;
  if (read(sync[0], &c, 1) != 1) return 1;
  close(sync[0]);
  dprintf(99, "ready %d %d\n", getpid(), kid);
  close(99);
  for (;;) {
    if (write(data[1], "tick\n", 5) < 0) pause();
    sleep(1);
  }
}
