/* See sqlite_types.h. The reading rules, in order:
 * The declared type is upper-cased, runs of white space become one space,
 * and spaces next to parentheses and commas go. Then:
 *  1. empty -> any (also ANY in a STRICT table, which keeps values as given);
 *  2. an exact name from type_map whose parameters fit its arity:
 *       F32_BLOB(n) VECTOR(n) FLOAT32(n) -> vector(n); F16_BLOB(n) HALFVEC(n)
 *       -> halfvec(n); BOOLEAN BOOL -> boolean; SMALLINT INT2 TINYINT ->
 *       int16; INT4 MEDIUMINT -> int32; REAL DOUBLE "DOUBLE PRECISION" FLOAT
 *       FLOAT8 -> float64; FLOAT4 -> float32; DECIMAL NUMERIC [(p[,s])] ->
 *       decimal[(p[,s])]; VARCHAR NVARCHAR "CHARACTER VARYING" "VARYING
 *       CHARACTER" (n) -> varchar(n); CHAR NCHAR CHARACTER "NATIVE
 *       CHARACTER" (n) -> char(n); BLOB BYTEA -> bytes; DATE -> date;
 *       DATETIME TIMESTAMP ["WITHOUT TIME ZONE"] -> timestamp; TIMESTAMPTZ
 *       "TIMESTAMP WITH TIME ZONE" -> timestamptz; TIME ["WITHOUT TIME
 *       ZONE"] -> time; TIMETZ "TIME WITH TIME ZONE" -> timetz; INTERVAL,
 *       UUID, JSON, JSONB -> themselves; what the target declares for them
 *       ("DATE TEXT" ... "JSONB TEXT", "DURATION TEXT" for interval) too;
 *       the PostgreSQL names of native_names, bare or as "NAME TEXT" ->
 *       native;
 *  3. otherwise SQLite's own affinity rules (datatype3.html, 3.1), in their
 *     order: contains INT -> int64; CHAR, CLOB or TEXT -> text; BLOB ->
 *     bytes; REAL, FLOA or DOUB -> float64; anything else (NUMERIC
 *     affinity) -> decimal.
 * So a parameter the name does not take, or a missing one (VARCHAR without
 * a length), falls through to step 3 (VARCHAR -> text). A mapped type the
 * portable type system rejects (VECTOR(0), a huge length) does too.
 * "ARRAY T" (what the target declares) and "T[]" (as PostgreSQL writes it)
 * are arrays of T's portable type. */
#include "sqlite_types.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "sqlite_dialect.h"
#include "strlist.h"

/* After a native type's name: what gives its column TEXT affinity. */
#define NATIVE_SUFFIX " TEXT"

typedef enum {
    ARGS_NONE,   /* no parameters */
    ARGS_ONE,    /* exactly one */
    ARGS_UP_TO_2 /* none, one or two (decimal) */
} type_args;

static const struct {
    const char *name;
    type_args args;
    fmt_type_kind kind;
} type_map[] = {
    {"F32_BLOB", ARGS_ONE, FMT_TYPE_VECTOR},
    {"VECTOR", ARGS_ONE, FMT_TYPE_VECTOR},
    {"FLOAT32", ARGS_ONE, FMT_TYPE_VECTOR},
    {"F16_BLOB", ARGS_ONE, FMT_TYPE_HALFVEC},
    {"HALFVEC", ARGS_ONE, FMT_TYPE_HALFVEC},
    {"BOOLEAN", ARGS_NONE, FMT_TYPE_BOOLEAN},
    {"BOOL", ARGS_NONE, FMT_TYPE_BOOLEAN},
    {"SMALLINT", ARGS_NONE, FMT_TYPE_INT16},
    {"INT2", ARGS_NONE, FMT_TYPE_INT16},
    {"TINYINT", ARGS_NONE, FMT_TYPE_INT16},
    {"INT4", ARGS_NONE, FMT_TYPE_INT32},
    {"MEDIUMINT", ARGS_NONE, FMT_TYPE_INT32},
    {"REAL", ARGS_NONE, FMT_TYPE_FLOAT64},
    {"DOUBLE", ARGS_NONE, FMT_TYPE_FLOAT64},
    {"DOUBLE PRECISION", ARGS_NONE, FMT_TYPE_FLOAT64},
    {"FLOAT", ARGS_NONE, FMT_TYPE_FLOAT64},
    {"FLOAT8", ARGS_NONE, FMT_TYPE_FLOAT64},
    {"FLOAT4", ARGS_NONE, FMT_TYPE_FLOAT32},
    {"DECIMAL", ARGS_UP_TO_2, FMT_TYPE_DECIMAL},
    {"NUMERIC", ARGS_UP_TO_2, FMT_TYPE_DECIMAL},
    {"VARCHAR", ARGS_ONE, FMT_TYPE_VARCHAR},
    {"NVARCHAR", ARGS_ONE, FMT_TYPE_VARCHAR},
    {"CHARACTER VARYING", ARGS_ONE, FMT_TYPE_VARCHAR},
    {"VARYING CHARACTER", ARGS_ONE, FMT_TYPE_VARCHAR},
    {"CHAR", ARGS_ONE, FMT_TYPE_CHAR},
    {"NCHAR", ARGS_ONE, FMT_TYPE_CHAR},
    {"CHARACTER", ARGS_ONE, FMT_TYPE_CHAR},
    {"NATIVE CHARACTER", ARGS_ONE, FMT_TYPE_CHAR},
    {"BLOB", ARGS_NONE, FMT_TYPE_BYTES},
    {"BYTEA", ARGS_NONE, FMT_TYPE_BYTES},
    {"DATE", ARGS_NONE, FMT_TYPE_DATE},
    {"DATETIME", ARGS_NONE, FMT_TYPE_TIMESTAMP},
    {"TIMESTAMP", ARGS_NONE, FMT_TYPE_TIMESTAMP},
    {"TIMESTAMP WITHOUT TIME ZONE", ARGS_NONE, FMT_TYPE_TIMESTAMP},
    {"TIMESTAMPTZ", ARGS_NONE, FMT_TYPE_TIMESTAMPTZ},
    {"TIMESTAMP WITH TIME ZONE", ARGS_NONE, FMT_TYPE_TIMESTAMPTZ},
    {"TIME", ARGS_NONE, FMT_TYPE_TIME},
    {"TIME WITHOUT TIME ZONE", ARGS_NONE, FMT_TYPE_TIME},
    {"TIMETZ", ARGS_NONE, FMT_TYPE_TIMETZ},
    {"TIME WITH TIME ZONE", ARGS_NONE, FMT_TYPE_TIMETZ},
    {"INTERVAL", ARGS_NONE, FMT_TYPE_INTERVAL},
    {"UUID", ARGS_NONE, FMT_TYPE_UUID},
    {"JSON", ARGS_NONE, FMT_TYPE_JSON},
    /* jsonb values are JSON text in SQLite (the source's json_value) */
    {"JSONB", ARGS_NONE, FMT_TYPE_JSONB},
    {"SPARSEVEC", ARGS_ONE, FMT_TYPE_SPARSEVEC},
    /* exact decimals kept as text (what the target declares) */
    {"DECIMAL TEXT", ARGS_UP_TO_2, FMT_TYPE_DECIMAL},
    /* What the target declares for types whose values are text: TEXT
     * affinity, so that no value is turned into a number ("1.50" in a json
     * column, a date "20240101"). INTERVAL holds "INT" (INTEGER affinity
     * whatever follows), so an interval is a DURATION TEXT. */
    {"DATE TEXT", ARGS_NONE, FMT_TYPE_DATE},
    {"TIME TEXT", ARGS_NONE, FMT_TYPE_TIME},
    {"TIMETZ TEXT", ARGS_NONE, FMT_TYPE_TIMETZ},
    {"TIMESTAMP TEXT", ARGS_NONE, FMT_TYPE_TIMESTAMP},
    {"TIMESTAMPTZ TEXT", ARGS_NONE, FMT_TYPE_TIMESTAMPTZ},
    {"DURATION TEXT", ARGS_NONE, FMT_TYPE_INTERVAL},
    {"UUID TEXT", ARGS_NONE, FMT_TYPE_UUID},
    {"JSON TEXT", ARGS_NONE, FMT_TYPE_JSON},
    {"JSONB TEXT", ARGS_NONE, FMT_TYPE_JSONB},
};

/* PostgreSQL types with no portable equivalent that come back as
 * themselves (native) through SQLite. The target declares them "NAME TEXT"
 * (TEXT affinity: "5" in an xml column stays text); older versions of it
 * declared the bare name, which is read too where bare is set. A bare
 * MONEY is an SQLite user's number column (decimal), never ours. */
static const struct {
    const char *name;
    int bare;
} native_names[] = {
    {"TSVECTOR", 1},  {"TSQUERY", 1},   {"INET", 1},      {"CIDR", 1},     {"MACADDR", 1},
    {"MACADDR8", 1},  {"INT4RANGE", 1}, {"INT8RANGE", 1}, {"NUMRANGE", 1}, {"TSRANGE", 1},
    {"TSTZRANGE", 1}, {"DATERANGE", 1}, {"POINT", 1},     {"LINE", 1},     {"LSEG", 1},
    {"BOX", 1},       {"PATH", 1},      {"POLYGON", 1},   {"CIRCLE", 1},   {"PG_LSN", 1},
    {"XML", 1},       {"MONEY", 0},
};

/* ---- reading ------------------------------------------------------------ */

/* Upper-cases and normalises white space (see above) into out, which has
 * room for strlen(declared) + 1 bytes. */
static void normalise_type(char *out, const char *declared)
{
    size_t o = 0;
    int space = 0;
    for (; *declared; declared++) {
        unsigned char c = (unsigned char)*declared;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = o > 0;
            continue;
        }
        if (space && c != '(' && c != ')' && c != ',' && out[o - 1] != '(' && out[o - 1] != ',')
            out[o++] = ' ';
        space = 0;
        out[o++] = (char)((c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c);
    }
    out[o] = '\0';
}

/* Splits "NAME(1,2)" in place into the name and up to two unsigned
 * parameters. Returns the number of parameters, or -1 when the parameter
 * list is anything else. */
static int split_type(char *norm, int32_t params[2])
{
    char *open = strchr(norm, '(');
    int n = 0;
    params[0] = params[1] = -1;
    if (!open)
        return 0;
    *open = '\0';
    char *p = open + 1;
    for (;;) {
        int32_t v = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            if (++digits > 9)
                return -1;
            v = v * 10 + (*p++ - '0');
        }
        if (!digits || n == 2)
            return -1;
        params[n++] = v;
        if (*p == ',') {
            p++;
            continue;
        }
        return (p[0] == ')' && p[1] == '\0') ? n : -1;
    }
}

static int args_fit(type_args args, int n)
{
    switch (args) {
    case ARGS_NONE:
        return n == 0;
    case ARGS_ONE:
        return n == 1;
    case ARGS_UP_TO_2:
        return n >= 0 && n <= 2;
    }
    return 0;
}

/* Step 1 for "ARRAY T" and "T[]": 1 when out is now an array, 0 when the
 * declaration is no array (or one of nothing portable), -1 (memory). */
/* Whether declared is "ARRAY T" or "T[]": *n is its length without trailing
 * blanks, and the element is the text after *skip and before *cut bytes. */
static int array_declaration(const char *declared, size_t *n, size_t *skip, size_t *cut)
{
    *n = strlen(declared);
    while (*n && (declared[*n - 1] == ' ' || declared[*n - 1] == '\t'))
        --*n;
    *skip = *cut = 0;
    if (*n > 6 && strncasecmp(declared, "ARRAY", 5) == 0 &&
        (declared[5] == ' ' || declared[5] == '\t'))
        *skip = 6;
    else if (*n > 2 && declared[*n - 2] == '[' && declared[*n - 1] == ']')
        *cut = 2;
    return *skip || *cut;
}

static int read_array(fmt_type *out, const char *declared)
{
    size_t n, skip, cut;
    if (!array_declaration(declared, &n, &skip, &cut))
        return 0;
    char *element = malloc(n + 1);
    if (!element)
        return -1;
    memcpy(element, declared + skip, n - skip - cut);
    element[n - skip - cut] = '\0';
    int rc = sqlite_type_read(out, element, 0);
    free(element);
    if (rc < 0)
        return -1;
    if (out->kind != FMT_TYPE_ANY && out->kind != FMT_TYPE_NATIVE && out->kind != FMT_TYPE_ARRAY) {
        out->element = out->kind;
        out->kind = FMT_TYPE_ARRAY;
        return 1;
    }
    out->param1 = out->param2 = -1;
    out->element = FMT_TYPE_COUNT_;
    return 0;
}

/* Is norm (normalised) "NAME TEXT", or NAME itself when bare is set? */
static int is_native_declaration(const char *norm, const char *name, int bare)
{
    size_t n = strlen(name);
    if (strncmp(norm, name, n) != 0)
        return 0;
    return (bare && norm[n] == '\0') || strcmp(norm + n, NATIVE_SUFFIX) == 0;
}

/* Step 2: 1 when norm is a name of type_map with fitting parameters, 0 when
 * not, -1 (memory). */
static int read_named(fmt_type *out, const char *norm)
{
    int32_t params[2];
    char *name = fmt_strdup(norm);
    if (!name)
        return -1;
    int nparams = split_type(name, params), found = 0;
    for (size_t i = 0; i < sizeof type_map / sizeof type_map[0]; i++) {
        if (strcmp(type_map[i].name, name) == 0 && args_fit(type_map[i].args, nparams)) {
            out->kind = type_map[i].kind;
            out->param1 = params[0];
            out->param2 = params[1];
            found = fmt_type_valid(out);
            if (!found)
                out->param1 = out->param2 = -1;
            break;
        }
    }
    for (size_t i = 0; !found && nparams == 0 && i < sizeof native_names / sizeof *native_names;
         i++)
        if (is_native_declaration(name, native_names[i].name, native_names[i].bare)) {
            out->kind = FMT_TYPE_NATIVE;
            found = 1;
        }
    free(name);
    return found;
}

/* Step 3: SQLite's affinity rules on the normalised name. */
static fmt_type_kind read_by_affinity(const char *norm)
{
    if (strstr(norm, "INT"))
        return FMT_TYPE_INT64;
    if (strstr(norm, "CHAR") || strstr(norm, "CLOB") || strstr(norm, "TEXT"))
        return FMT_TYPE_TEXT;
    if (strstr(norm, "BLOB"))
        return FMT_TYPE_BYTES;
    if (strstr(norm, "REAL") || strstr(norm, "FLOA") || strstr(norm, "DOUB"))
        return FMT_TYPE_FLOAT64;
    return FMT_TYPE_DECIMAL;
}

int sqlite_type_read(fmt_type *out, const char *declared, int strict)
{
    out->param1 = out->param2 = -1;
    out->element = FMT_TYPE_COUNT_;
    if (!declared || !*declared) {
        out->kind = FMT_TYPE_ANY;
        return 0;
    }
    int rc = read_array(out, declared);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char *norm = malloc(strlen(declared) + 1);
    if (!norm)
        return -1;
    normalise_type(norm, declared);
    if (!*norm || (strict && strcmp(norm, "ANY") == 0)) {
        out->kind = FMT_TYPE_ANY;
        rc = 0;
    } else if ((rc = read_named(out, norm)) == 0) {
        out->kind = read_by_affinity(norm);
    }
    free(norm);
    return rc < 0 ? -1 : 0;
}

/* ---- declaring ---------------------------------------------------------- */

/* Declared SQLite types for portable types from another backend. INTEGER is
 * kept for the rowid column, so plain int64 columns say BIGINT. */
static const char *const portable_decl[FMT_TYPE_COUNT_] = {
    [FMT_TYPE_BOOLEAN] = "BOOLEAN",
    [FMT_TYPE_INT16] = "SMALLINT",
    [FMT_TYPE_INT32] = "INT4",
    [FMT_TYPE_INT64] = "BIGINT",
    [FMT_TYPE_FLOAT32] = "FLOAT4",
    [FMT_TYPE_FLOAT64] = "REAL",
    /* TEXT affinity: SQLite's NUMERIC would turn "0.10" into the real 0.1 and
     * 40 digits into 17; type_map reads "DECIMAL TEXT" back. */
    [FMT_TYPE_DECIMAL] = "DECIMAL TEXT",
    [FMT_TYPE_TEXT] = "TEXT",
    [FMT_TYPE_VARCHAR] = "VARCHAR",
    [FMT_TYPE_CHAR] = "CHAR",
    [FMT_TYPE_BYTES] = "BLOB",
    [FMT_TYPE_DATE] = "DATE TEXT",
    [FMT_TYPE_TIME] = "TIME TEXT",
    [FMT_TYPE_TIMETZ] = "TIMETZ TEXT",
    [FMT_TYPE_TIMESTAMP] = "TIMESTAMP TEXT",
    [FMT_TYPE_TIMESTAMPTZ] = "TIMESTAMPTZ TEXT",
    [FMT_TYPE_INTERVAL] = "DURATION TEXT",
    [FMT_TYPE_UUID] = "UUID TEXT",
    [FMT_TYPE_JSON] = "JSON TEXT",
    [FMT_TYPE_JSONB] = "JSONB TEXT",
    [FMT_TYPE_VECTOR] = "F32_BLOB",
    [FMT_TYPE_HALFVEC] = "F16_BLOB",
    [FMT_TYPE_ANY] = "",
    [FMT_TYPE_NATIVE] = "TEXT",
    [FMT_TYPE_SPARSEVEC] = "SPARSEVEC",
    [FMT_TYPE_ARRAY] = "", /* the element's declaration after "ARRAY " */
};

int sqlite_type_declare(db_buf *b, const fmt_type *ty)
{
    if (ty->kind < 0 || ty->kind >= FMT_TYPE_COUNT_)
        return -1;
    /* An array is declared "ARRAY " + its element ("ARRAY VARCHAR(10)": SQLite's
     * grammar has no room for "VARCHAR(10)[]"), which read_array maps back to
     * array(varchar(10)); the values are JSON text. */
    fmt_type_kind kind = ty->kind == FMT_TYPE_ARRAY ? ty->element : ty->kind;
    if (kind < 0 || kind >= FMT_TYPE_COUNT_ || !portable_decl[kind])
        return -1;
    const char *decl = portable_decl[kind];
    /* decimal(p,s) with p <= 15: every value is exact as a double, so the
     * column gets SQLite's own NUMERIC (what a SQLite user expects of a
     * money column); wider or unbounded decimals are only exact as text. */
    if (kind == FMT_TYPE_DECIMAL && ty->param1 > 0 && ty->param1 <= 15)
        decl = "NUMERIC";
    if (*decl == '\0')
        return 0;
    db_buf_add(b, ty->kind == FMT_TYPE_ARRAY ? " ARRAY " : " ");
    db_buf_add(b, decl);
    switch (kind) {
    case FMT_TYPE_DECIMAL:
        if (ty->param1 >= 0 && ty->param2 >= 0)
            db_buf_printf(b, "(%d,%d)", (int)ty->param1, (int)ty->param2);
        else if (ty->param1 >= 0)
            db_buf_printf(b, "(%d)", (int)ty->param1);
        break;
    case FMT_TYPE_VARCHAR:
    case FMT_TYPE_CHAR:
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC:
    case FMT_TYPE_SPARSEVEC:
        if (ty->param1 >= 0)
            db_buf_printf(b, "(%d)", (int)ty->param1);
        break;
    default:
        break;
    }
    return 0;
}

int sqlite_type_declare_native(db_buf *b, const char *native_type)
{
    int known = 0;
    for (size_t i = 0; i < sizeof native_names / sizeof *native_names; i++)
        known = known || sqlite3_stricmp(native_type, native_names[i].name) == 0;
    db_buf_addc(b, ' ');
    /* An unknown name with INT in it would get INTEGER affinity
     * ("int2vector": "7" would become a number); the known ones that have
     * it (point, int4range, int8range) write no value that reads as one. */
    if (!sqlite_is_identifier(native_type) || (!known && sqlite_contains_ci(native_type, "INT"))) {
        db_buf_add(b, "TEXT");
        return 0;
    }
    db_buf_add(b, native_type);
    db_buf_add(b, NATIVE_SUFFIX);
    return 0;
}

int sqlite_type_is_declaration(const char *s)
{
    int depth = 0;
    if (!sqlite_is_alpha(*s))
        return 0;
    for (; *s; s++) {
        char c = *s;
        if (c == '(') {
            if (depth++)
                return 0;
        } else if (c == ')') {
            if (depth-- != 1)
                return 0;
        } else if (!(sqlite_is_alpha(c) || sqlite_is_digit(c) || sqlite_is_space(c) || c == '+' ||
                     c == '-' || c == '.' || (c == ',' && depth))) {
            return 0;
        }
    }
    return depth == 0;
}

/* ---- judging ------------------------------------------------------------ */

sqlite_affinity sqlite_type_affinity(const char *decl)
{
    if (sqlite_contains_ci(decl, "INT"))
        return DB_SQLITE_AFFINITY_INTEGER;
    if (sqlite_contains_ci(decl, "CHAR") || sqlite_contains_ci(decl, "CLOB") ||
        sqlite_contains_ci(decl, "TEXT"))
        return DB_SQLITE_AFFINITY_TEXT;
    if (*decl == '\0' || sqlite_contains_ci(decl, "BLOB"))
        return DB_SQLITE_AFFINITY_BLOB;
    if (sqlite_contains_ci(decl, "REAL") || sqlite_contains_ci(decl, "FLOA") ||
        sqlite_contains_ci(decl, "DOUB"))
        return DB_SQLITE_AFFINITY_REAL;
    return DB_SQLITE_AFFINITY_NUMERIC;
}

sqlite_type_family sqlite_family_of_portable(fmt_type_kind k)
{
    switch (k) {
    case FMT_TYPE_BOOLEAN:
    case FMT_TYPE_INT16:
    case FMT_TYPE_INT32:
    case FMT_TYPE_INT64:
    case FMT_TYPE_FLOAT32:
    case FMT_TYPE_FLOAT64:
    case FMT_TYPE_DECIMAL:
        return DB_SQLITE_FAMILY_NUMBER;
    case FMT_TYPE_BYTES:
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC:
        return DB_SQLITE_FAMILY_BYTES;
    case FMT_TYPE_ANY:
    case FMT_TYPE_NATIVE:
    case FMT_TYPE_COUNT_:
        return DB_SQLITE_FAMILY_ANY;
    default:
        return DB_SQLITE_FAMILY_TEXT;
    }
}

/* By name first (DATE, TIMESTAMP, INTERVAL, UUID, JSON are text although
 * SQLite's affinity rules say otherwise), then by affinity. */
sqlite_type_family sqlite_family_of_declared(const char *decl)
{
    static const char *const text_prefixes[] = {"DATE", "TIME", "INTERVAL", "UUID", "JSON"};
    while (sqlite_is_space(*decl))
        decl++;
    if (*decl == '\0' || sqlite3_stricmp(decl, "ANY") == 0)
        return DB_SQLITE_FAMILY_ANY;
    /* What the target declares for arrays and wide decimals, which the
     * affinity rules below misjudge: an array holds JSON text although
     * "ARRAY INT4" has INT in it, and "DECIMAL TEXT" holds exact decimals. */
    size_t n, skip, cut;
    if (array_declaration(decl, &n, &skip, &cut))
        return DB_SQLITE_FAMILY_TEXT;
    if (sqlite_starts_ci(decl, "DECIMAL TEXT"))
        return DB_SQLITE_FAMILY_NUMBER;
    if (sqlite_starts_ci(decl, "BOOL"))
        return DB_SQLITE_FAMILY_NUMBER;
    for (size_t i = 0; i < sizeof text_prefixes / sizeof *text_prefixes; i++)
        if (sqlite_starts_ci(decl, text_prefixes[i]))
            return DB_SQLITE_FAMILY_TEXT;
    if (sqlite_starts_ci(decl, "F32_BLOB") || sqlite_starts_ci(decl, "F16_BLOB") ||
        sqlite_contains_ci(decl, "VECTOR") || sqlite_starts_ci(decl, "BYTEA"))
        return DB_SQLITE_FAMILY_BYTES;
    switch (sqlite_type_affinity(decl)) {
    case DB_SQLITE_AFFINITY_INTEGER:
    case DB_SQLITE_AFFINITY_REAL:
        return DB_SQLITE_FAMILY_NUMBER;
    case DB_SQLITE_AFFINITY_TEXT:
        return DB_SQLITE_FAMILY_TEXT;
    case DB_SQLITE_AFFINITY_BLOB:
        return DB_SQLITE_FAMILY_BYTES;
    case DB_SQLITE_AFFINITY_NUMERIC:
        break;
    }
    if (sqlite_starts_ci(decl, "NUMERIC") || sqlite_starts_ci(decl, "DECIMAL") ||
        sqlite_starts_ci(decl, "NUMBER") || sqlite_starts_ci(decl, "MONEY"))
        return DB_SQLITE_FAMILY_NUMBER;
    return DB_SQLITE_FAMILY_ANY;
}
