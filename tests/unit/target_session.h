/* What the two target tests (test_sqlite_target, test_pg_target) share to
 * drive a target through its ops: a session (ops, state, header), the
 * options most cases use, ending with a commit or a rollback, and the error
 * and warnings of the target. Opening one (start) stays with each test: it
 * is where the targets differ. Header only (static inline), like
 * fixtures.h. */
#ifndef DB_TEST_TARGET_SESSION_H
#define DB_TEST_TARGET_SESSION_H

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "target.h"

typedef struct {
    const db_target_ops *ops;
    void *st;
    fmt_header h;
} session;

/* Single transaction, and oc on a conflict. */
static inline db_target_options options(db_on_conflict oc)
{
    db_target_options o = {0};
    o.on_conflict = oc;
    o.single_transaction = 1;
    return o;
}

/* Commits (checking that it worked) or rolls back, then closes. */
static inline void end(session *s, int commit)
{
    if (commit) {
        int rc = s->ops->commit(s->st);
        if (rc != 0)
            fprintf(stderr, "commit: %s\n", s->ops->errmsg(s->st));
        CHECK(rc == 0);
    } else {
        s->ops->rollback(s->st);
    }
    s->ops->close(s->st);
    s->st = NULL;
}

static inline const char *errmsg(session *s)
{
    return s->ops->errmsg(s->st);
}

/* Whether a warning contains needle; if none does, says so and lists them. */
static inline int has_warning(session *s, const char *needle)
{
    char **lines;
    size_t n;
    s->ops->warnings(s->st, &lines, &n);
    for (size_t i = 0; i < n; i++)
        if (strstr(lines[i], needle))
            return 1;
    fprintf(stderr, "no warning containing: %s\n", needle);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "  warning: %s\n", lines[i]);
    return 0;
}

#endif
