/* The password prompt of a PostgreSQL connection. See cli_pg.h. */
#include "cli_pg.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static cli_password_prompt prompt_mode = CLI_PASSWORD_IF_NEEDED;

void cli_set_password_prompt(cli_password_prompt mode)
{
    prompt_mode = mode;
}

/* Reads one line from the controlling terminal with echo off, as
 * pg_dump's simple_prompt does: the terminal, not stdin, because stdin may
 * be the document being imported. NULL when there is no terminal. */
static char *read_password(const char *prompt)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios saved, silent;
    if (fd < 0)
        return NULL;
    if (tcgetattr(fd, &saved) != 0) {
        close(fd);
        return NULL;
    }
    silent = saved;
    silent.c_lflag &= ~(tcflag_t)ECHO;
    silent.c_lflag |= ECHONL;
    tcsetattr(fd, TCSAFLUSH, &silent);
    char *line = calloc(1, 1024);
    size_t n = 0;
    char c;
    if (line && write(fd, prompt, strlen(prompt)) >= 0)
        while (n < 1023 && read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
            line[n++] = c;
    tcsetattr(fd, TCSAFLUSH, &saved);
    close(fd);
    return line;
}

static void wipe(char *password)
{
    if (password) {
        volatile char *p = password;
        while (*p)
            *p++ = 0;
        free(password);
    }
}

PGconn *cli_pg_connect(const char *const *keys, const char *const *values)
{
    const char *k[14], *v[14];
    size_t n = 0;
    while (keys[n] && n < 12) {
        k[n] = keys[n];
        v[n] = values[n];
        n++;
    }
    char *password = prompt_mode == CLI_PASSWORD_ALWAYS ? read_password("Password: ") : NULL;
    for (;;) {
        k[n] = password ? "password" : NULL;
        v[n] = password;
        k[n + 1] = v[n + 1] = NULL;
        PGconn *conn = PQconnectdbParams(k, v, 1);
        int ask = conn && PQstatus(conn) == CONNECTION_BAD && PQconnectionNeedsPassword(conn) &&
                  !password && prompt_mode != CLI_PASSWORD_NEVER;
        if (ask) {
            char prompt[160] = "Password: ";
            const char *user = PQuser(conn);
            if (user && *user)
                snprintf(prompt, sizeof prompt, "Password for user %.100s: ", user);
            if ((password = read_password(prompt))) {
                PQfinish(conn);
                continue;
            }
        }
        wipe(password);
        return conn;
    }
}
