/* What an import from another backend cannot put into SQLite, counted by
 * kind and reported once per kind at the end (a line per column would bury
 * the one that matters in a wide schema): "3 defaults from postgresql not
 * carried (...): table "t", column "c": now(); ...". The first few items
 * are named, the rest counted. */
#include "sqlite_target_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Items named in a kind's line; the others are counted. */
#define LOSS_EXAMPLES 5

static const struct {
    const char *one, *many, *why;
} loss_names[SQLITE_LOSS_COUNT_] = {
    [SQLITE_LOSS_DEFAULT] = {"default", "defaults", "SQLite keeps literals only"},
    [SQLITE_LOSS_GENERATED] = {"generated column", "generated columns",
                               "their values are not in the file"},
    [SQLITE_LOSS_IDENTITY] = {"identity", "identities",
                              "AUTOINCREMENT is for the only primary key column of a rowid table"},
    [SQLITE_LOSS_COLLATION] = {"collation", "collations", "SQLite has BINARY, NOCASE and RTRIM"},
    [SQLITE_LOSS_CHECK] = {"CHECK constraint", "CHECK constraints", "SQLite cannot read them"},
    [SQLITE_LOSS_INDEX] = {"index", "indexes", "SQLite cannot read them"},
    [SQLITE_LOSS_PARTITIONING] = {"partitioned table", "partitioned tables",
                                  "SQLite has no partitions: all rows go into one table"},
    [SQLITE_LOSS_NATIVE] = {"view or trigger", "views and triggers", "native SQL"},
    [SQLITE_LOSS_COMPOSITE] = {"composite type", "composite types",
                               "SQLite has none: their columns hold each value's text form"},
    [SQLITE_LOSS_INDEX_OPTION] = {"index option", "index options",
                                  "SQLite has no INCLUDE and no NULLS NOT DISTINCT"},
    [SQLITE_LOSS_SEQUENCE_OPTION] = {"identity's sequence options", "identities' sequence options",
                                     "SQLite counts from 1 by 1"},
    [SQLITE_LOSS_EXCLUSION] = {"exclusion constraint", "exclusion constraints",
                               "SQLite has no EXCLUDE"},
    [SQLITE_LOSS_MATERIALIZED_VIEW] = {"materialized view", "materialized views",
                                       "SQLite has none"},
};

void sqlite_tgt_loss(sqlite_target *st, sqlite_loss_kind kind, const char *fmt, ...)
{
    sqlite_loss *l = &st->losses[kind];
    if (l->count++ >= LOSS_EXAMPLES)
        return;
    char item[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(item, sizeof item, fmt, ap);
    va_end(ap);
    db_buf_add(&l->items, l->count > 1 ? "; " : "");
    db_buf_add(&l->items, item);
}

int sqlite_tgt_report_losses(sqlite_target *st)
{
    int rc = 0;
    for (int k = 0; k < SQLITE_LOSS_COUNT_; k++) {
        sqlite_loss *l = &st->losses[k];
        if (!l->count)
            continue;
        if (l->items.oom)
            return db_oom(&st->diag);
        char more[64] = "";
        if (l->count > LOSS_EXAMPLES)
            snprintf(more, sizeof more, "; and %zu more", l->count - LOSS_EXAMPLES);
        if (db_warn(&st->diag, "%zu %s from %s not carried (%s): %s%s", l->count,
                    l->count == 1 ? loss_names[k].one : loss_names[k].many,
                    sqlite_tgt_backend_name(st), loss_names[k].why, l->items.buf, more) < 0)
            rc = -1;
        l->count = 0;
        db_buf_free(&l->items);
    }
    return rc;
}

void sqlite_tgt_losses_free(sqlite_target *st)
{
    for (int k = 0; k < SQLITE_LOSS_COUNT_; k++)
        db_buf_free(&st->losses[k].items);
}
