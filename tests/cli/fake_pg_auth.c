/* A PostgreSQL server that only asks for a password, for the password
 * prompt tests (test_password.sh): it listens on DIR/.s.PGSQL.PORT, asks
 * each client for a cleartext password, writes what it got (one line per
 * connection: the password, or "-" when the client gave none) to stdout,
 * and refuses the login. It ends after 60 seconds or when killed.
 *
 *   fake_pg_auth DIR PORT */
#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int read_full(int fd, void *buf, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* The startup packet, after answering 'N' to SSL and GSS encryption
 * requests (a length of 8 and a request code). */
static int read_startup(int fd)
{
    for (;;) {
        uint32_t len, code;
        char body[4096];
        if (read_full(fd, &len, 4) < 0)
            return -1;
        len = ntohl(len);
        if (len < 8 || len > sizeof body + 4 || read_full(fd, body, len - 4) < 0)
            return -1;
        memcpy(&code, body, 4);
        if (len != 8 || (ntohl(code) >> 16) != 1234)
            return 0;
        if (write(fd, "N", 1) != 1)
            return -1;
    }
}

static void serve(int fd)
{
    static const char ask[] = {'R', 0, 0, 0, 8, 0, 0, 0, 3}; /* AuthenticationCleartextPassword */
    static const char refuse[] = "SFATAL\0C28P01\0Mpassword authentication failed\0";
    char type, password[1024] = "-";
    uint32_t len;
    if (read_startup(fd) < 0 || write(fd, ask, sizeof ask) != sizeof ask)
        return;
    if (read_full(fd, &type, 1) == 0 && type == 'p' && read_full(fd, &len, 4) == 0) {
        len = ntohl(len);
        if (len > 4 && len - 4 < sizeof password && read_full(fd, password, len - 4) == 0)
            password[len - 4] = 0;
    }
    printf("%s\n", password[0] ? password : "(empty)");
    fflush(stdout);
    uint32_t n = htonl((uint32_t)(sizeof refuse + 4));
    char msg[sizeof refuse + 5];
    msg[0] = 'E';
    memcpy(msg + 1, &n, 4);
    memcpy(msg + 5, refuse, sizeof refuse);
    if (write(fd, msg, sizeof msg) < 0)
        return;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (argc != 3 || snprintf(addr.sun_path, sizeof addr.sun_path, "%s/.s.PGSQL.%s", argv[1],
                              argv[2]) >= (int)sizeof addr.sun_path) {
        fprintf(stderr, "usage: fake_pg_auth DIR PORT\n");
        return 2;
    }
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    unlink(addr.sun_path);
    if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 8) < 0) {
        perror("fake_pg_auth");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN); /* a client that hangs up on the question */
    alarm(60);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            return 1;
        serve(c);
        close(c);
    }
}
