/*
 * A process tree holding one of each thing the image decoder must show, for test/integration/images.
 * Usage: images-tree DIR   (DIR: a scratch directory for its files)
 * Holds: a regular file at offset 5 with a flock, a deleted file, a pipe with 10 bytes, a unix
 * socketpair with queued bytes, a bound unix DGRAM socket, a TCP listener + an established
 * loopback pair with 11 unread bytes, an IPv6 listener, a UDP socket, a memfd, eventfd(42), epoll,
 * inotify, signalfd, timerfd, a pty pair, a worker thread "img-worker", groups [5, 27], a SIGSTOP'd
 * child and a zombie child (exit 7). SIGUSR2 reaps the zombie; SIGTERM ends the whole tree.
 * Prints "ready PID tcp=PORT v6=PORT stopped=PID zombie=PID", puts /dev/null
 * on stdio and waits. It is a session leader with no terminal: criu needs no --shell-job.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void *worker(void *arg) {
  (void)arg;
  prctl(PR_SET_NAME, "img-worker");
  for (;;) pause();
  return NULL;
}

static pid_t stopped_child, zombie_child;

/* SIGUSR2: reap the zombie (so a second dump has none: crit x fds/mems cannot read zombies). */
static void on_usr2(int sig) {
  (void)sig;
  waitpid(zombie_child, NULL, 0);
}

/* SIGTERM: take the children along and leave nothing unreaped. */
static void on_term(int sig) {
  (void)sig;
  kill(stopped_child, SIGKILL);
  waitpid(stopped_child, NULL, 0);
  waitpid(zombie_child, NULL, WNOHANG);
  _exit(0);
}

static char path_buf[4096];
static const char *in_dir(const char *dir, const char *name) {
  snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
  return path_buf;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: images-tree DIR\n");
    return 2;
  }
  const char *dir = argv[1];
  if (setsid() < 0) die("setsid");
  gid_t groups[] = {5, 27};
  if (setgroups(2, groups) < 0) die("setgroups");

  int reg = open(in_dir(dir, "data.txt"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (reg < 0) die("open data");
  if (write(reg, "0123456789abcdef", 16) != 16) die("write data");
  lseek(reg, 5, SEEK_SET);
  if (flock(reg, LOCK_EX) < 0) die("flock");

  int gone = open(in_dir(dir, "deleted.txt"), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (gone < 0) die("open deleted");
  if (write(gone, "ghost content here\n", 19) != 19) die("write deleted");
  unlink(in_dir(dir, "deleted.txt"));

  int p[2];
  if (pipe(p) < 0) die("pipe");
  if (write(p[1], "hello pipe", 10) != 10) die("write pipe");

  int sp[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0) die("socketpair");
  if (write(sp[0], "unix queued", 11) != 11) die("write sp");

  int dg = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  const char *sock_path = in_dir(dir, "sock");
  if (strlen(sock_path) >= sizeof sun.sun_path) die("socket path too long");
  memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
  unlink(sun.sun_path);
  if (bind(dg, (struct sockaddr *)&sun, sizeof sun) < 0) die("bind unix");

  int lst = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(lst, (struct sockaddr *)&sin, sizeof sin) < 0) die("bind tcp");
  if (listen(lst, 5) < 0) die("listen");
  socklen_t sl = sizeof sin;
  getsockname(lst, (struct sockaddr *)&sin, &sl);
  int cli = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(cli, (struct sockaddr *)&sin, sizeof sin) < 0) die("connect");
  int srv = accept(lst, NULL, NULL);
  if (srv < 0) die("accept");
  if (write(cli, "tcp payload", 11) != 11) die("write tcp");

  int l6 = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 s6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  int v6port = 0;
  if (l6 >= 0 && bind(l6, (struct sockaddr *)&s6, sizeof s6) == 0 && listen(l6, 3) == 0) {
    sl = sizeof s6;
    getsockname(l6, (struct sockaddr *)&s6, &sl);
    v6port = ntohs(s6.sin6_port);
  }

  int udp = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in su = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(udp, (struct sockaddr *)&su, sizeof su) < 0) die("bind udp");

  int mfd = memfd_create("icebox-memfd", 0);
  if (mfd < 0) die("memfd_create");
  char page[8192];
  memset(page, 'M', sizeof page);
  if (write(mfd, page, sizeof page) != (ssize_t)sizeof page) die("write memfd");

  int efd = eventfd(42, 0);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = efd};
  epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
  int ino = inotify_init1(0);
  inotify_add_watch(ino, dir, IN_CREATE);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, 0);
  (void)sfd;
  int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
  struct itimerspec its = {.it_value = {.tv_sec = 3600}};
  timerfd_settime(tfd, 0, &its, NULL);

  int ptm = posix_openpt(O_RDWR | O_NOCTTY);
  if (ptm < 0 || grantpt(ptm) < 0 || unlockpt(ptm) < 0) die("openpt");
  int pts = open(ptsname(ptm), O_RDWR | O_NOCTTY);
  if (pts < 0) die("open pts");

  char *heap = malloc(1 << 20);
  memset(heap, 'H', 1 << 20);

  pthread_t th;
  pthread_create(&th, NULL, worker, NULL);

  signal(SIGUSR2, on_usr2);
  signal(SIGTERM, on_term);
  pid_t stopped = fork();
  if (stopped == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    int null_fd = open("/dev/null", O_RDWR); /* drop the test's stdout socket */
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    close(null_fd);
    raise(SIGSTOP);
    for (;;) pause();
  }
  pid_t zombie = fork();
  if (zombie == 0) _exit(7);
  stopped_child = stopped;
  zombie_child = zombie;
  int st;
  waitpid(stopped, &st, WUNTRACED);
  waitid(P_PID, zombie, NULL, WEXITED | WNOWAIT); /* wait until it is a zombie, keep it */

  printf("ready %d tcp=%d v6=%d stopped=%d zombie=%d\n", getpid(), ntohs(sin.sin_port), v6port,
         stopped, zombie);
  fflush(stdout);
  int devnull = open("/dev/null", O_RDWR);
  dup2(devnull, 0);
  dup2(devnull, 1);
  dup2(devnull, 2);
  close(devnull);
  for (;;) pause();
}
