/* A plain loop: prints "ready" and sleeps. With setsid and stdio on /dev/null it is freezable. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("ready %d\n", getpid());
  fflush(stdout);
  for (;;) pause();
}
