/* Connecting to PostgreSQL as pg_dump does about passwords: when the server
 * asks for one and none was given, ask on the terminal (-W: ask before
 * connecting; -w: never ask). Without a terminal nothing is asked: the
 * connection fails with libpq's message. Both the source and the target
 * connect through here. */
#ifndef DB_CLI_PG_H
#define DB_CLI_PG_H

#include <libpq-fe.h>

typedef enum {
    CLI_PASSWORD_IF_NEEDED, /* default: ask when the server wants one */
    CLI_PASSWORD_ALWAYS,    /* -W, --password */
    CLI_PASSWORD_NEVER      /* -w, --no-password */
} cli_password_prompt;

/* Set once by main, from -W/-w. */
void cli_set_password_prompt(cli_password_prompt mode);

/* PQconnectdbParams(keys, values, 1), with a "password" keyword added last
 * when one was asked for. At most 12 keywords. Returns what libpq returns
 * (NULL only when memory ran out); the caller checks PQstatus. */
PGconn *cli_pg_connect(const char *const *keys, const char *const *values);

#endif
