/* dbimport --max-errors: foreign key orphans (fk_reject.h). The target
 * deletes them (db_cascade_orphans, the loop --rows-cascade runs too) and
 * hands back each one's foreign key values; the rows are kept in the
 * db_rejects by those values, and a pass over the file gives them their
 * row numbers and places before anything is committed. */
#include "fk_reject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sqlbuf.h"

#define SHOW_REFUSED 5
/* Values quoted in a warning are cut to this many bytes. */
#define VALUE_MAX 60

static void add_value(db_buf *b, const char *v)
{
    size_t n = strlen(v);
    db_buf_addn(b, v, n > VALUE_MAX ? VALUE_MAX : n);
    if (n > VALUE_MAX)
        db_buf_add(b, "...");
}

/* "key (user_id)=(7) is not present in table "users" (foreign key
 * "orders_user_id_fkey")", as PostgreSQL says it */
static int found(void *ctx, const db_orphan_key *fk, const char *const *values)
{
    db_fk_reject *f = ctx;
    db_buf why = {0};
    db_buf_add(&why, "key (");
    for (size_t i = 0; i < fk->n; i++)
        db_buf_add(&why, i ? ", " : ""), db_buf_add(&why, fk->columns[i]);
    db_buf_add(&why, ")=(");
    for (size_t i = 0; i < fk->n; i++)
        db_buf_add(&why, i ? ", " : ""), add_value(&why, values[i]);
    db_buf_printf(&why, ") is not present in table \"%s\"", fk->parent);
    if (fk->constraint)
        db_buf_printf(&why, " (foreign key \"%s\")", fk->constraint);
    int rc = why.oom ? -1
                     : db_rejects_add_orphan(f->rejects, fk->file_table, fk->columns, values, fk->n,
                                             why.buf);
    db_buf_free(&why);
    if (rc < 0)
        f->out_of_memory = 1;
    if (rc == 1)
        *f->too_many = 1;
    return rc == 0 ? 0 : -1;
}

static void warn(void *ctx, const char *table, uint64_t row, uint64_t line, uint64_t column,
                 uint64_t offset, const char *why)
{
    const db_fk_reject *f = ctx;
    if ((*f->shown)++ >= SHOW_REFUSED && !f->verbose)
        return;
    if (row)
        cli_message("warning",
                    "%s:%llu:%llu (byte %llu): table \"%s\", row %llu: %s (row left out)", f->input,
                    (unsigned long long)line, (unsigned long long)column,
                    (unsigned long long)offset, table, (unsigned long long)row, why);
    else
        cli_message("warning", "table \"%s\": %s (row left out)", table, why);
}

/* The orphans' rows in the file, for the warnings and --reject-file. */
static int locate(const db_fk_reject *f)
{
    char err[1024];
    int64_t missing = f->input && strcmp(f->input, "-") != 0
                          ? db_rejects_locate(f->rejects, f->input, err, sizeof err)
                          : 0;
    if (missing < 0) {
        cli_message("error", "--max-errors: reading the file again for the foreign key orphans: %s",
                    err);
        return -1;
    }
    if (missing && f->need_places) {
        cli_message("error",
                    "--reject-file: %lld foreign key %s not found in %s by %s key values (a "
                    "--rows program or a cast changed %s?): the import is rolled back rather "
                    "than the reject file written wrong",
                    (long long)missing, missing == 1 ? "orphan was" : "orphans were", f->input,
                    missing == 1 ? "its" : "their", missing == 1 ? "it" : "them");
        return -1;
    }
    return 0;
}

static int add_fk(void *ctx, const fmt_foreign_key *fk)
{
    return db_cascade_add_fk(ctx, fk);
}

int db_fk_reject_table(db_cascade *c, const db_target_ops *ops, void *target, const fmt_table *t,
                       const fmt_table *file_table, int *held_before)
{
    if (db_cascade_table(c, t, file_table) < 0) {
        cli_message("error", "out of memory");
        return -1;
    }
    int held = *held_before == 0 || *held_before == 1 ? *held_before
               : ops && ops->table_has_rows ? ops->table_has_rows(target, t->namespace, t->name)
                                            : 0;
    *held_before = held;
    if (held >= 0 && ops && ops->own_foreign_keys &&
        ops->own_foreign_keys(target, t->namespace, t->name, add_fk, c) < 0)
        held = -1;
    if (held < 0)
        cli_message("error", "%s", ops->errmsg(target));
    else if (held)
        db_cascade_held_rows(c);
    return held < 0 ? -1 : 0;
}

int db_fk_reject_orphans(db_fk_reject *f)
{
    uint64_t max = db_rejects_max(f->rejects);
    uint64_t limit = max == UINT64_MAX ? max : max + 1; /* one more: over --max-errors */
    if (db_cascade_orphans(f->cascade, f->ops, f->target, found, f, limit) < 0) {
        if (*f->too_many)
            db_rejects_each_orphan(f->rejects, warn, (void *)f); /* the first ones */
        else if (f->out_of_memory)
            cli_message("error", "out of memory");
        else
            cli_message("error", "%s", f->ops->errmsg(f->target));
        return -1;
    }
    if (locate(f) < 0)
        return -1;
    db_rejects_each_orphan(f->rejects, warn, (void *)f);
    return 0;
}
