/*
 * A process (or chain of processes) holding exactly the resources a test asks for, so the
 * analysis can be checked against a real /proc.
 *
 * usage: analysis-holder ACTION...   Actions run in order:
 *   setsid                  become a session leader (no controlling terminal)
 *   keep-stdin              leave fd 0 as given (e.g. a pipe from the test) instead of /dev/null
 *   child                   fork; the child runs the remaining actions. Parent and child stay
 *                           joined by a pipe (the child's write end, the parent's read end).
 *   ctty                    openpty, setsid and make the pty our controlling terminal
 *   open PATH               open PATH read-only and keep it (a device, a file)
 *   deleted PATH SIZE       create PATH with SIZE bytes, keep it open, unlink it
 *   flock PATH              flock(LOCK_EX) on PATH (created)
 *   posix PATH              fcntl F_SETLK write lock on PATH
 *   ofd PATH                fcntl F_OFD_SETLK write lock on PATH
 *   unix-listen PATH        listen on a unix stream socket and hold every accepted connection
 *   unix-connect PATH       connect a unix stream socket to PATH
 *   dgram-bind PATH         bind a unix datagram socket to PATH
 *   dgram-connect PATH      connect a unix datagram socket to PATH
 *   tcp-listen              listen on 127.0.0.1:ephemeral
 *   tcp-pair                listen, connect to ourselves and accept: two ESTABLISHED sockets
 *   io_uring                io_uring_setup(8) (raw syscall 425)
 *   userfaultfd             userfaultfd(O_CLOEXEC) (raw syscall 323)
 *   sysv-shm                attach a SysV shared memory segment (already marked for removal)
 *   inotify PATH            watch PATH with inotify
 * Inherited fds above 2 are closed and stdio goes to /dev/null before the actions. When all processes are set up, the first one
 * prints "ready PID [PID…]" (every pid of the chain, root first) on the original stdout, which
 * it kept as fd 99 and closes right after, so no pipe to the test is left over; tests wait for
 * /proc/ROOT/fd/99 to disappear. SIGCHLD is ignored, so a killed child of the chain is reaped
 * at once: stop the chain from the bottom up and nothing is left behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#define READY_FD 99

static void die(const char *what, const char *arg) {
  dprintf(READY_FD, "error %s %s: %s\n", what, arg ? arg : "", strerror(errno));
  exit(1);
}

static const char *need(char **argv, int *i, int argc) {
  if (*i + 1 >= argc) {
    errno = EINVAL;
    die("missing argument for", argv[*i]);
  }
  return argv[++*i];
}

static int lock_file(const char *path, int cmd) {
  int fd = open(path, O_RDWR | O_CREAT, 0600);
  if (fd < 0) die("open", path);
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  if (fcntl(fd, cmd, &fl) < 0) die("lock", path);
  return fd;
}

static struct sockaddr_un unix_addr(const char *path) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strncpy(a.sun_path, path, sizeof(a.sun_path) - 1);
  return a;
}

static int listen_fd = -1;

/* Runs actions from index i; returns the index where a 'child' action stopped, or argc. */
static int run_actions(int argc, char **argv, int i) {
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "setsid")) {
      if (setsid() < 0) die("setsid", NULL);
    } else if (!strcmp(a, "keep-stdin")) {
      /* handled in main */
    } else if (!strcmp(a, "child")) {
      return i;
    } else if (!strcmp(a, "ctty")) {
      int master, slave;
      if (openpty(&master, &slave, NULL, NULL, NULL) < 0) die("openpty", NULL);
      if (setsid() < 0 && errno != EPERM) die("setsid", NULL);
      if (ioctl(slave, TIOCSCTTY, 0) < 0) die("TIOCSCTTY", NULL);
    } else if (!strcmp(a, "open")) {
      const char *p = need(argv, &i, argc);
      if (open(p, O_RDONLY) < 0) die("open", p);
    } else if (!strcmp(a, "deleted")) {
      const char *p = need(argv, &i, argc);
      long size = atol(need(argv, &i, argc));
      int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
      if (fd < 0) die("create", p);
      char buf[4096];
      memset(buf, 'x', sizeof buf);
      for (long left = size; left > 0; left -= (long)sizeof buf)
        if (write(fd, buf, left < (long)sizeof buf ? (size_t)left : sizeof buf) < 0) die("write", p);
      if (unlink(p) < 0) die("unlink", p);
    } else if (!strcmp(a, "flock")) {
      const char *p = need(argv, &i, argc);
      int fd = open(p, O_RDWR | O_CREAT, 0600);
      if (fd < 0 || flock(fd, LOCK_EX) < 0) die("flock", p);
    } else if (!strcmp(a, "posix")) {
      lock_file(need(argv, &i, argc), F_SETLK);
    } else if (!strcmp(a, "ofd")) {
      lock_file(need(argv, &i, argc), F_OFD_SETLK);
    } else if (!strcmp(a, "unix-listen")) {
      const char *p = need(argv, &i, argc);
      struct sockaddr_un addr = unix_addr(p);
      listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
      unlink(p);
      if (bind(listen_fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listen_fd, 16) < 0)
        die("unix-listen", p);
    } else if (!strcmp(a, "unix-connect") || !strcmp(a, "dgram-connect")) {
      const char *p = need(argv, &i, argc);
      struct sockaddr_un addr = unix_addr(p);
      int s = socket(AF_UNIX, a[0] == 'u' ? SOCK_STREAM : SOCK_DGRAM, 0);
      if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) die(a, p);
    } else if (!strcmp(a, "dgram-bind")) {
      const char *p = need(argv, &i, argc);
      struct sockaddr_un addr = unix_addr(p);
      int s = socket(AF_UNIX, SOCK_DGRAM, 0);
      unlink(p);
      if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0) die("dgram-bind", p);
    } else if (!strcmp(a, "tcp-listen") || !strcmp(a, "tcp-pair")) {
      struct sockaddr_in addr = {.sin_family = AF_INET};
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      socklen_t len = sizeof addr;
      int l = socket(AF_INET, SOCK_STREAM, 0);
      if (bind(l, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(l, 4) < 0) die(a, NULL);
      if (!strcmp(a, "tcp-pair")) {
        getsockname(l, (struct sockaddr *)&addr, &len);
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&addr, sizeof addr) < 0) die("tcp connect", NULL);
        if (accept(l, NULL, NULL) < 0) die("tcp accept", NULL);
        close(l); /* only the two established ends remain */
      }
    } else if (!strcmp(a, "io_uring")) {
      char params[120] = {0}; /* struct io_uring_params */
      if (syscall(425, 8, params) < 0) die("io_uring_setup", NULL);
    } else if (!strcmp(a, "pidfd-parent") || !strcmp(a, "pidfd-self")) {
      pid_t target = !strcmp(a, "pidfd-parent") ? getppid() : getpid();
      if (syscall(434, target, 0) < 0) die("pidfd_open", NULL); /* SYS_pidfd_open */
    } else if (!strcmp(a, "userfaultfd")) {
      if (syscall(323, O_CLOEXEC) < 0) die("userfaultfd", NULL);
    } else if (!strcmp(a, "sysv-shm")) {
      int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
      if (id < 0 || shmat(id, NULL, 0) == (void *)-1) die("shm", NULL);
      shmctl(id, IPC_RMID, NULL); /* gone with the last detach: nothing leaks */
    } else if (!strcmp(a, "inotify")) {
      const char *p = need(argv, &i, argc);
      int fd = inotify_init1(IN_CLOEXEC);
      if (fd < 0 || inotify_add_watch(fd, p, IN_MODIFY) < 0) die("inotify", p);
    } else {
      errno = EINVAL;
      die("unknown action", a);
    }
  }
  return argc;
}

/* Holds accepted connections forever (unix-listen), or just waits. */
static void hold(void) {
  for (;;) {
    if (listen_fd >= 0) {
      if (accept(listen_fd, NULL, NULL) < 0) pause();
    } else {
      pause();
    }
  }
}

/* Runs the actions of one process of the chain and reports the pids below it. */
static void run(int argc, char **argv, int i, char *pids, size_t cap) {
  int stop = run_actions(argc, argv, i);
  snprintf(pids + strlen(pids), cap - strlen(pids), " %d", getpid());
  if (stop >= argc) return;
  int link[2];
  if (pipe(link) < 0) die("pipe", NULL);
  pid_t child = fork();
  if (child < 0) die("fork", NULL);
  if (child == 0) {
    /* Start clean: a shared flock fd would make the lock show up in the child too. */
    for (int fd = 3; fd < 1024; fd++)
      if (fd != link[1]) close(fd);
    char mine[4096] = "";
    run(argc, argv, stop + 1, mine, sizeof mine);
    /* Tell the parent our chain of pids; the write end stays open as the parent-child link. */
    dprintf(link[1], "%s\n", mine);
    hold();
  }
  close(link[1]);
  char buf[4096];
  ssize_t n = read(link[0], buf, sizeof buf - 1);
  if (n <= 0) die("child setup", NULL);
  buf[n] = 0;
  buf[strcspn(buf, "\n")] = 0;
  snprintf(pids + strlen(pids), cap - strlen(pids), "%s", buf);
}

int main(int argc, char **argv) {
  int keep_stdin = 0;
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "keep-stdin")) keep_stdin = 1;
  if (dup2(1, READY_FD) < 0) return 1;
  fcntl(READY_FD, F_SETFD, FD_CLOEXEC);
  /* Drop fds inherited from whoever started the test (a shell's job pipe would be external). */
  for (int fd = 3; fd < 1024; fd++)
    if (fd != READY_FD) close(fd);
  int null = open("/dev/null", O_RDWR);
  if (!keep_stdin) dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  if (null > 2) close(null);

  /* Children of the chain are reaped by the kernel when killed: no zombies left behind. */
  signal(SIGCHLD, SIG_IGN);
  char pids[4096] = "";
  run(argc, argv, 1, pids, sizeof pids);
  dprintf(READY_FD, "ready%s\n", pids);
  close(READY_FD);
  hold();
}
