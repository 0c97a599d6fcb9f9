/* See sqlite_dialect.h. */
#include "sqlite_dialect.h"

#include <string.h>

#include <sqlite3.h>

#include "strlist.h"

int sqlite_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (sqlite3_strnicmp(hay, needle, (int)n) == 0)
            return 1;
    return 0;
}

int sqlite_starts_ci(const char *s, const char *prefix)
{
    return sqlite3_strnicmp(s, prefix, (int)strlen(prefix)) == 0;
}

int sqlite_is_identifier(const char *s)
{
    if (!sqlite_is_alpha(*s))
        return 0;
    for (; *s; s++)
        if (!sqlite_is_alpha(*s) && !sqlite_is_digit(*s))
            return 0;
    return 1;
}

char *sqlite_fk_action_read(const char *action)
{
    char *out = fmt_strdup(action ? action : "NO ACTION");
    for (char *p = out; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + ('a' - 'A'));
    return out;
}

const char *sqlite_fk_action_sql(const char *action)
{
    static const char *const actions[][2] = {{"restrict", "RESTRICT"},
                                             {"cascade", "CASCADE"},
                                             {"set null", "SET NULL"},
                                             {"set default", "SET DEFAULT"}};
    if (!action || sqlite3_stricmp(action, "no action") == 0)
        return "";
    for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
        if (sqlite3_stricmp(action, actions[i][0]) == 0)
            return actions[i][1];
    return NULL;
}

const char *sqlite_collation_carried(const char *name)
{
    static const char *const known[] = {"BINARY", "NOCASE", "RTRIM"};
    static const char *const binary[] = {"C", "POSIX", "default", "ucs_basic"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (sqlite3_stricmp(name, known[i]) == 0)
            return name;
    for (size_t i = 0; i < sizeof binary / sizeof *binary; i++)
        if (sqlite3_stricmp(name, binary[i]) == 0)
            return "";
    return NULL;
}
