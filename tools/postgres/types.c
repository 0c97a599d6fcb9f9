/* See pg_types.h. */
#include "pg_types.h"

#include <string.h>

/* How a type's typmod becomes the portable type's parameters. */
typedef enum { MOD_NONE, MOD_NUMERIC, MOD_LENGTH, MOD_DIMENSION } typmod_rule;

/* The portable type mapping (docs/MAPPING.md): built-in types by their
 * pg_catalog name, pgvector's by their name in the "vector" extension. */
static const struct {
    const char *name;
    bool vector_extension;
    fmt_type_kind kind;
    typmod_rule rule;
} type_map[] = {
    {"int2", false, FMT_TYPE_INT16, MOD_NONE},
    {"int4", false, FMT_TYPE_INT32, MOD_NONE},
    {"int8", false, FMT_TYPE_INT64, MOD_NONE},
    {"float4", false, FMT_TYPE_FLOAT32, MOD_NONE},
    {"float8", false, FMT_TYPE_FLOAT64, MOD_NONE},
    {"numeric", false, FMT_TYPE_DECIMAL, MOD_NUMERIC},
    {"text", false, FMT_TYPE_TEXT, MOD_NONE},
    {"varchar", false, FMT_TYPE_VARCHAR, MOD_LENGTH},
    {"bpchar", false, FMT_TYPE_CHAR, MOD_LENGTH},
    {"bytea", false, FMT_TYPE_BYTES, MOD_NONE},
    {"bool", false, FMT_TYPE_BOOLEAN, MOD_NONE},
    {"date", false, FMT_TYPE_DATE, MOD_NONE},
    {"time", false, FMT_TYPE_TIME, MOD_NONE},
    {"timetz", false, FMT_TYPE_TIMETZ, MOD_NONE},
    {"timestamp", false, FMT_TYPE_TIMESTAMP, MOD_NONE},
    {"timestamptz", false, FMT_TYPE_TIMESTAMPTZ, MOD_NONE},
    {"interval", false, FMT_TYPE_INTERVAL, MOD_NONE},
    {"uuid", false, FMT_TYPE_UUID, MOD_NONE},
    {"json", false, FMT_TYPE_JSON, MOD_NONE},
    {"jsonb", false, FMT_TYPE_JSONB, MOD_NONE},
    {"vector", true, FMT_TYPE_VECTOR, MOD_DIMENSION},
    {"halfvec", true, FMT_TYPE_HALFVEC, MOD_DIMENSION},
    {"sparsevec", true, FMT_TYPE_SPARSEVEC, MOD_DIMENSION},
};

static void map_builtin(fmt_type *out, fmt_type_kind kind, typmod_rule rule, int32_t typmod)
{
    out->kind = kind;
    out->param1 = out->param2 = -1;
    switch (rule) {
    case MOD_NONE:
        break;
    case MOD_NUMERIC:
        if (typmod >= 4) {
            int32_t precision = ((typmod - 4) >> 16) & 0xffff;
            int32_t scale = (((typmod - 4) & 0x7ff) ^ 1024) - 1024; /* PG 15: may be < 0 */
            if (scale >= 0 && scale <= precision) {
                out->param1 = precision;
                out->param2 = scale;
            }
        }
        break;
    case MOD_LENGTH:
        if (typmod >= 5) {
            out->param1 = typmod - 4;
        } else {
            out->kind = FMT_TYPE_TEXT; /* varchar, bpchar without a length */
        }
        break;
    case MOD_DIMENSION:
        if (typmod >= 1) {
            out->param1 = typmod;
        } else {
            out->kind = FMT_TYPE_NATIVE; /* vector without a dimension */
        }
        break;
    }
    if (!fmt_type_valid(out)) {
        if (out->kind == FMT_TYPE_DECIMAL) {
            out->param1 = out->param2 = -1;
        } else if (out->kind == FMT_TYPE_VARCHAR || out->kind == FMT_TYPE_CHAR) {
            out->kind = FMT_TYPE_TEXT;
            out->param1 = -1;
        } else {
            out->kind = FMT_TYPE_NATIVE;
            out->param1 = out->param2 = -1;
        }
    }
}

int pg_type_builtin(fmt_type *out, const char *nspname, const char *typname, const char *extname,
                    int32_t typmod)
{
    for (size_t i = 0; i < sizeof type_map / sizeof type_map[0]; i++) {
        if (strcmp(type_map[i].name, typname) == 0 &&
            (type_map[i].vector_extension ? (extname && strcmp(extname, "vector") == 0)
                                          : strcmp(nspname, "pg_catalog") == 0)) {
            map_builtin(out, type_map[i].kind, type_map[i].rule, typmod);
            return 1;
        }
    }
    return 0;
}

bool pg_type_is_number(fmt_type_kind k)
{
    return fmt_type_is_integer(k) || k == FMT_TYPE_FLOAT32 || k == FMT_TYPE_FLOAT64 ||
           k == FMT_TYPE_DECIMAL;
}

bool pg_type_is_vector(fmt_type_kind k)
{
    return k == FMT_TYPE_VECTOR || k == FMT_TYPE_HALFVEC || k == FMT_TYPE_SPARSEVEC;
}

/* The PostgreSQL names of the portable kinds without parameters. */
static const struct {
    fmt_type_kind kind;
    const char *name;
} plain_names[] = {
    {FMT_TYPE_BOOLEAN, "boolean"},
    {FMT_TYPE_INT16, "smallint"},
    {FMT_TYPE_INT32, "integer"},
    {FMT_TYPE_INT64, "bigint"},
    {FMT_TYPE_FLOAT32, "real"},
    {FMT_TYPE_FLOAT64, "double precision"},
    {FMT_TYPE_BYTES, "bytea"},
    {FMT_TYPE_DATE, "date"},
    {FMT_TYPE_TIME, "time without time zone"},
    {FMT_TYPE_TIMETZ, "time with time zone"},
    {FMT_TYPE_TIMESTAMP, "timestamp without time zone"},
    {FMT_TYPE_TIMESTAMPTZ, "timestamp with time zone"},
    {FMT_TYPE_INTERVAL, "interval"},
    {FMT_TYPE_UUID, "uuid"},
    {FMT_TYPE_JSON, "json"},
    {FMT_TYPE_JSONB, "jsonb"},
};

void pg_type_name(db_buf *b, fmt_type_kind k, int32_t p1, int32_t p2, const char *vector_schema)
{
    for (size_t i = 0; i < sizeof plain_names / sizeof *plain_names; i++) {
        if (plain_names[i].kind == k) {
            db_buf_add(b, plain_names[i].name);
            return;
        }
    }
    switch (k) {
    case FMT_TYPE_DECIMAL:
        db_buf_add(b, "numeric");
        if (p1 >= 0 && p2 >= 0)
            db_buf_printf(b, "(%d,%d)", (int)p1, (int)p2);
        else if (p1 >= 0)
            db_buf_printf(b, "(%d)", (int)p1);
        return;
    case FMT_TYPE_VARCHAR:
    case FMT_TYPE_CHAR:
        db_buf_add(b, k == FMT_TYPE_VARCHAR ? "character varying" : "character");
        break;
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC:
    case FMT_TYPE_SPARSEVEC:
        /* search_path is '': the extension's schema names its types */
        db_buf_ident(b, vector_schema ? vector_schema : "public");
        db_buf_add(b, k == FMT_TYPE_VECTOR    ? ".vector"
                      : k == FMT_TYPE_HALFVEC ? ".halfvec"
                                              : ".sparsevec");
        break;
    default: /* text, any, native */
        db_buf_add(b, "text");
        return;
    }
    if (p1 >= 0)
        db_buf_printf(b, "(%d)", (int)p1);
}
