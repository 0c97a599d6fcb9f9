/* The option byte both import harnesses (fuzz_import_sqlite.c,
 * fuzz_import_pg.c) read from their input's first byte:
 *   bits 0-1  --on-invalid: error, null, skip-row (3 is error again)
 *   bit  2    --untrusted
 *   bits 3-4  --on-conflict: error, skip, update (3 is error again)
 *   bit  5    a second import with --data-only (the harness does it)
 *   bit  6    --dry-run
 *   bit  7    --schema-only (not with bit 5) */
#ifndef DB_FUZZ_IMPORT_OPTIONS_H
#define DB_FUZZ_IMPORT_OPTIONS_H

#include <stdint.h>
#include <string.h>

#include "import.h"

static inline void fuzz_import_options(db_import_options *o, uint8_t bits, const char *target,
                                       const char *input)
{
    static const db_on_invalid invalid[] = {DB_ON_INVALID_ERROR, DB_ON_INVALID_NULL,
                                            DB_ON_INVALID_SKIP_ROW, DB_ON_INVALID_ERROR};
    static const db_on_conflict conflict[] = {DB_ON_CONFLICT_ERROR, DB_ON_CONFLICT_SKIP,
                                              DB_ON_CONFLICT_UPDATE, DB_ON_CONFLICT_ERROR};
    memset(o, 0, sizeof *o);
    o->target = target;
    o->input = input;
    o->target_options.single_transaction = 1;
    o->target_options.on_invalid = invalid[bits & 3];
    o->target_options.untrusted = (bits >> 2) & 1;
    o->target_options.on_conflict = conflict[(bits >> 3) & 3];
    o->target_options.dry_run = (bits >> 6) & 1;
    o->target_options.schema_only = (bits >> 7) & 1 && !((bits >> 5) & 1);
}

#endif
