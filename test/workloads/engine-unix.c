/* Unix sockets to an outside peer.
 *   engine-unix server dgram|stream PATH OUT : binds PATH, appends what it receives to OUT
 *   engine-unix client dgram|stream PATH     : connects to PATH, sends "tick N" every 100 ms */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "engine-common.h"

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  int type = strcmp(argv[2], "dgram") == 0 ? SOCK_DGRAM : SOCK_STREAM;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, argv[3], sizeof addr.sun_path - 1);
  int s = socket(AF_UNIX, type, 0);
  if (strcmp(argv[1], "server") == 0) {
    if (argc < 5) return 2;
    unlink(argv[3]);
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) != 0) return 1;
    if (type == SOCK_STREAM) listen(s, 4);
    int out = open(argv[4], O_WRONLY | O_CREAT | O_APPEND, 0600);
    engine_ready_and_detach();
    int r = type == SOCK_STREAM ? accept(s, NULL, NULL) : s;
    char buf[256];
    for (;;) {
      ssize_t n = read(r, buf, sizeof buf);
      if (n > 0) (void)!write(out, buf, n);
      else if (type == SOCK_STREAM) pause();
    }
  }
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) return 1;
  engine_ready_and_detach();
  for (unsigned n = 0;; n++) {
    char msg[64];
    int len = snprintf(msg, sizeof msg, "tick %u\n", n);
    (void)!write(s, msg, len);
    usleep(100 * 1000);
  }
}
