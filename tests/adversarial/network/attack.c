/* Reaches for the network: a TCP connection to the host's loopback. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static int adv_attack(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(ADV_PORT)};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int ok;

    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (ok && write(s, "escaped\n", 8) < 0)
        ok = 0;
    close(s);
    return ok;
}
