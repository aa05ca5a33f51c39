/*
 * Workload for the /proc scanner tests and bench/scan: holds the kinds of fds the scanner
 * classifies and prints what it holds, then waits to be killed.
 *
 *   procfs-holder pipe                 parent writes into a pipe its child reads
 *   procfs-holder unix PATH            socketpair kept whole + a stream connection from a child
 *                                      to the parent's listening socket at PATH
 *   procfs-holder tcp                  loopback TCP: parent listens and accepts, child connects
 *   procfs-holder locks F1 F2 F3       flock F1, POSIX lock on F2, OFD lock on F3
 *   procfs-holder deleted FILE SIZE    a file of SIZE bytes, open and unlinked
 *   procfs-holder device               /dev/zero open read-only
 *   procfs-holder bench N DIR          N children, each with a pipe, a unix socketpair, a
 *                                      loopback TCP connection, a bound UDP socket, a flock'd
 *                                      file in DIR and /dev/zero (the lsof comparison workload)
 *
 * Every mode prints one "ready ..." line with the pids and facts the test checks.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what) {
  perror(what);
  exit(1);
}

/* fork() whose child dies with the parent, so killing the workload leaves nothing behind. */
static pid_t fork_tied(void) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);
  }
  return pid;
}

static void hang(void) {
  for (;;) pause();
}

/* A connected loopback TCP pair in this process; returns the listening port. */
static int tcp_listener(int *port) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  if (l < 0) die("socket");
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(l, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  if (listen(l, 128) < 0) die("listen");
  socklen_t len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  *port = ntohs(a.sin_port);
  return l;
}

static int tcp_connect(int port) {
  int c = socket(AF_INET, SOCK_STREAM, 0);
  if (c < 0) die("socket");
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
  return c;
}

static void hold_bench_set(const char *dir, int i) {
  int p[2], sp[2], port;
  if (pipe(p) < 0) die("pipe");
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0) die("socketpair");
  int l = tcp_listener(&port);
  int c = tcp_connect(port);
  (void)c;
  int s = accept(l, NULL, NULL);
  if (s < 0) die("accept");
  close(l);
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (u < 0 || bind(u, (struct sockaddr *)&a, sizeof a) < 0) die("udp");
  char path[4096];
  snprintf(path, sizeof path, "%s/lock-%d", dir, i);
  int f = open(path, O_RDWR | O_CREAT, 0600);
  if (f < 0 || flock(f, LOCK_EX) < 0) die("flock");
  if (open("/dev/zero", O_RDONLY) < 0) die("/dev/zero");
}

static void bench(int n, const char *dir) {
  int status[2];
  if (pipe(status) < 0) die("pipe");
  for (int i = 0; i < n; i++) {
    pid_t pid = fork_tied();
    if (pid < 0) die("fork");
    if (pid == 0) {
      close(status[0]);
      int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      close(null);
      hold_bench_set(dir, i);
      if (write(status[1], "x", 1) != 1) die("write");
      close(status[1]);
      hang();
    }
  }
  close(status[1]);
  char buf[256];
  int got = 0;
  while (got < n) {
    ssize_t r = read(status[0], buf, sizeof buf);
    if (r <= 0) die("holder failed");
    got += r;
  }
  close(status[0]);
  printf("ready holders=%d\n", n);
  fflush(stdout);
  hang();
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "pipe")) {
    int p[2];
    if (pipe(p) < 0) die("pipe");
    pid_t child = fork_tied();
    if (child == 0) {
      close(p[1]);
      hang();
    }
    close(p[0]);
    printf("ready parent=%d child=%d\n", getpid(), child);
    hang();
  }
  if (!strcmp(mode, "unix") && argc > 2) {
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0) die("socketpair");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, argv[2], sizeof a.sun_path - 1);
    unlink(argv[2]);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 8) < 0) die("unix listen");
    pid_t child = fork_tied();
    if (child == 0) {
      int c = socket(AF_UNIX, SOCK_STREAM, 0);
      if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) die("unix connect");
      hang();
    }
    int s = accept(l, NULL, NULL);
    if (s < 0) die("accept");
    printf("ready parent=%d child=%d pair=%d,%d listen=%d accepted=%d\n", getpid(), child, sp[0],
           sp[1], l, s);
    hang();
  }
  if (!strcmp(mode, "tcp")) {
    int port;
    int l = tcp_listener(&port);
    pid_t child = fork_tied();
    if (child == 0) {
      close(l);
      tcp_connect(port);
      hang();
    }
    int s = accept(l, NULL, NULL);
    if (s < 0) die("accept");
    printf("ready parent=%d child=%d port=%d listen=%d accepted=%d\n", getpid(), child, port, l, s);
    hang();
  }
  if (!strcmp(mode, "locks") && argc > 4) {
    int f1 = open(argv[2], O_RDWR | O_CREAT, 0600);
    int f2 = open(argv[3], O_RDWR | O_CREAT, 0600);
    int f3 = open(argv[4], O_RDWR | O_CREAT, 0600);
    if (f1 < 0 || f2 < 0 || f3 < 0) die("open");
    if (flock(f1, LOCK_EX) < 0) die("flock");
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    if (fcntl(f2, F_SETLK, &fl) < 0) die("posix lock");
    struct flock ofd = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100};
    if (fcntl(f3, F_OFD_SETLK, &ofd) < 0) die("ofd lock");
    printf("ready pid=%d flock=%d posix=%d ofd=%d\n", getpid(), f1, f2, f3);
    hang();
  }
  if (!strcmp(mode, "deleted") && argc > 3) {
    int f = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (f < 0) die("open");
    long size = atol(argv[3]);
    char block[4096];
    memset(block, 'x', sizeof block);
    for (long done = 0; done < size;) {
      long n = size - done < (long)sizeof block ? size - done : (long)sizeof block;
      if (write(f, block, n) != n) die("write");
      done += n;
    }
    unlink(argv[2]);
    printf("ready pid=%d fd=%d\n", getpid(), f);
    hang();
  }
  if (!strcmp(mode, "device")) {
    int f = open("/dev/zero", O_RDONLY);
    if (f < 0) die("open");
    printf("ready pid=%d fd=%d\n", getpid(), f);
    hang();
  }
  if (!strcmp(mode, "bench") && argc > 3) bench(atoi(argv[2]), argv[3]);
  fprintf(stderr, "usage: see the comment at the top of procfs-holder.c\n");
  return 2;
}
