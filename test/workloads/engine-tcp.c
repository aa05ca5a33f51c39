/* TCP client: connects to 127.0.0.1:argv[1] and echoes every line back as "echo:LINE".
 * When the connection ends it writes "closed" to argv[2] and keeps running. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "engine-common.h"

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) return 1;
  engine_ready_and_detach();
  char buf[256];
  for (;;) {
    ssize_t n = read(s, buf, sizeof buf);
    if (n <= 0) break;
    char reply[300];
    int len = snprintf(reply, sizeof reply, "echo:%.*s", (int)n, buf);
    if (write(s, reply, len) != len) break;
  }
  int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dprintf(fd, "closed\n");
  close(fd);
  for (;;) pause();
}
