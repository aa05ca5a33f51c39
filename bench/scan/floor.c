/*
 * The floor of a full scan: the syscalls electron/core/procfs/raw.ts makes for every process
 * (stat, status, cmdline, exe, cwd, five namespace links, the fd directory, every fd's link, a
 * stat of each fd naming a path (/dev nodes once per path, as raw.ts caches them), maps) plus the
 * /proc/net tables and /proc/locks, in C, on one thread, with no interpretation and no output.
 * bench/scan.mjs times it beside lsof and `icebox ps --json` to show how much of a scan no
 * JavaScript can remove.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[1 << 16];
static char devs[256][64];
static int ndevs;

static void slurp(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  while (read(fd, buf, sizeof buf) > 0) {
  }
  close(fd);
}

static int dev_seen(const char *link) {
  for (int i = 0; i < ndevs; i++)
    if (strcmp(devs[i], link) == 0) return 1;
  if (ndevs < 256 && strlen(link) < 64) strcpy(devs[ndevs++], link);
  return 0;
}

int main(void) {
  static const char *tables[] = {"tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix", "netlink", "packet"};
  static const char *ns[] = {"pid", "mnt", "net", "ipc", "user"};
  char path[600], link[4096];
  for (unsigned i = 0; i < sizeof tables / sizeof *tables; i++) {
    snprintf(path, sizeof path, "/proc/net/%s", tables[i]);
    slurp(path);
  }
  slurp("/proc/locks");
  DIR *proc = opendir("/proc");
  if (!proc) return 1;
  struct dirent *e;
  while ((e = readdir(proc))) {
    const char *pid = e->d_name;
    if (pid[0] < '0' || pid[0] > '9') continue;
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    slurp(path);
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    slurp(path);
    snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
    slurp(path);
    snprintf(path, sizeof path, "/proc/%s/exe", pid);
    (void)!readlink(path, link, sizeof link);
    snprintf(path, sizeof path, "/proc/%s/cwd", pid);
    (void)!readlink(path, link, sizeof link);
    for (int i = 0; i < 5; i++) {
      snprintf(path, sizeof path, "/proc/%s/ns/%s", pid, ns[i]);
      (void)!readlink(path, link, sizeof link);
    }
    snprintf(path, sizeof path, "/proc/%s/fd", pid);
    DIR *fds = opendir(path);
    if (fds) {
      struct dirent *f;
      while ((f = readdir(fds))) {
        if (f->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "/proc/%s/fd/%s", pid, f->d_name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n <= 0 || link[0] != '/') continue;
        link[n] = 0;
        if (strncmp(link, "/dev/", 5) == 0 && dev_seen(link)) continue;
        struct stat st;
        (void)stat(path, &st);
      }
      closedir(fds);
    }
    snprintf(path, sizeof path, "/proc/%s/maps", pid);
    slurp(path);
  }
  closedir(proc);
  return 0;
}
