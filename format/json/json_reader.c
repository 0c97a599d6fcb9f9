/* Streaming JSON pull reader (RFC 8259). A resumable state machine: every
 * piece of state that a chunk boundary can cut through (inside a string, an
 * escape, a UTF-8 sequence, a number or a literal) lives in the reader, so a
 * chunk may end at any byte. Strings and numbers are assembled in one
 * growable buffer bounded by max_token; containers are tracked in a stack
 * bounded by max_depth; the keys of the open objects (reject_duplicate_keys)
 * by max_key_memory. Nothing else grows with the document. */
#include "json_reader.h"
#include "utf8.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the grammar allows next, outside of a token. */
enum parse_state {
    P_VALUE,        /* document start, after ':' or after ',' in an array */
    P_ARRAY_FIRST,  /* after '[': a value or ']' */
    P_OBJECT_FIRST, /* after '{': a member name or '}' */
    P_KEY,          /* after ',' in an object: a member name */
    P_COLON,        /* after a member name */
    P_AFTER,        /* after a value inside a container: ',' or the closer */
    P_DONE,         /* after the top-level value: whitespace only */
    P_END           /* FMT_JSON_END has been returned */
};

/* The token being read, if any. */
enum lex_mode { L_NONE, L_STRING, L_NUMBER, L_LITERAL };

enum string_state {
    S_PLAIN,
    S_ESCAPE,        /* after '\' */
    S_HEX,           /* inside \uXXXX, hex_digits collected so far */
    S_LOW_BACKSLASH, /* after a high surrogate escape: the low one must follow */
    S_LOW_U
};

enum number_state { N_START, N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_EXP_MARK, N_EXP_SIGN, N_EXP };

enum container { C_ARRAY, C_OBJECT };

#define TOKEN_INITIAL_CAPACITY 256
#define STACK_INITIAL_CAPACITY 32
#define KEYS_LINEAR 16 /* objects up to this many keys are searched linearly */

struct key_record {
    size_t offset, len; /* in key_bytes */
    uint32_t hash;
};

/* One per open object. Slots hold record index + 1, 0 is empty. */
struct key_frame {
    size_t first_record, first_byte, first_slot;
    size_t nslots; /* 0 while searched linearly, else a power of two */
};

struct fmt_json_reader {
    fmt_json_reader_options opts;

    /* The current chunk. base is the stream offset of buf[0]; only offsets
     * are kept across chunks, never the pointer. */
    const unsigned char *buf;
    size_t len, pos;
    int is_final;
    uint64_t base;
    uint64_t line, line_start; /* line_start: offset of the current line's first byte */

    enum parse_state state;
    unsigned char *stack; /* enum container per open container */
    unsigned depth, stack_cap;

    enum lex_mode lex;
    fmt_position tok_pos;
    char *tok; /* decoded string or number lexeme, always room for a NUL */
    size_t tok_len, tok_cap;

    /* string */
    int is_key;
    enum string_state str_state;
    unsigned utf8_need;             /* continuation bytes still expected */
    unsigned char utf8_lo, utf8_hi; /* range allowed for the next one */
    unsigned hex_value, hex_digits; /* \uXXXX being read */
    unsigned high_surrogate;        /* pending high half of a pair, or 0 */
    fmt_position escape_pos, high_pos;

    /* number */
    enum number_state num_state;

    /* literal */
    const char *lit;
    unsigned lit_len, lit_idx;
    fmt_json_event_type lit_type;

    /* Keys of the open objects. Only the innermost one ever gains a key, so
     * it is all one stack: closing an object pops its frame and the rest. */
    struct key_frame *frames;
    struct key_record *records;
    char *key_bytes;
    size_t *slots;
    size_t nframes, frames_cap, nrecords, records_cap;
    size_t key_bytes_len, key_bytes_cap, slots_len, slots_cap;
    uint64_t hash_seed; /* so that a file cannot bring keys that collide */

    int err;
    char errmsg[128];
    fmt_position errpos;
};

/* Bytes that may be copied verbatim inside a string: printable ASCII and
 * DEL, except '"' and '\'. Anything else needs a closer look. */
static const unsigned char plain_string_byte[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Stands in for the chunk when there is none, so pointer arithmetic on
 * buf is always defined (NULL + 0 is not, in C). */
static const unsigned char no_input[1];

static int is_digit(unsigned c)
{
    return c - '0' < 10u;
}

static fmt_position position_at(const fmt_json_reader *r, size_t idx)
{
    fmt_position p;
    p.offset = r->base + idx;
    p.line = r->line;
    p.column = p.offset - r->line_start + 1;
    return p;
}

static int fail(fmt_json_reader *r, fmt_position pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
    va_end(ap);
    r->errpos = pos;
    r->err = -1;
    return -1;
}

/* "character 'x'" for printable ASCII, "byte 0xNN" otherwise, so that a
 * message never carries raw control or partial UTF-8 bytes. */
static const char *describe_byte(char *out, size_t size, unsigned char c)
{
    if (c > 0x20 && c < 0x7f)
        snprintf(out, size, "character '%c'", c);
    else
        snprintf(out, size, "byte 0x%02x", c);
    return out;
}

static int fail_unexpected(fmt_json_reader *r, size_t idx, const char *expected)
{
    char what[32];
    unsigned char c = r->buf[idx];
    describe_byte(what, sizeof what, c);
    if (!expected)
        return fail(r, position_at(r, idx), "unexpected %s after the top-level value", what);
    if (c == 0xef && r->base + idx == 0)
        return fail(r, position_at(r, idx), "unexpected %s, expected %s (byte order mark?)", what,
                    expected);
    return fail(r, position_at(r, idx), "unexpected %s, expected %s", what, expected);
}

static int fail_too_long(fmt_json_reader *r)
{
    /* The start of the token is what a user can find; the byte where the
     * limit happened to be crossed is somewhere far along the line. */
    return fail(r, r->tok_pos, "%s longer than %zu bytes", r->lex == L_NUMBER ? "number" : "string",
                r->opts.max_token);
}

static int tok_append(fmt_json_reader *r, const void *src, size_t n)
{
    if (n > r->opts.max_token - r->tok_len)
        return fail_too_long(r);
    if (n >= r->tok_cap - r->tok_len) {
        size_t need = r->tok_len + n + 1, cap = r->tok_cap;
        size_t limit = r->opts.max_token < SIZE_MAX ? r->opts.max_token + 1 : SIZE_MAX;
        char *grown;
        while (cap < need)
            cap = cap > limit / 2 ? limit : cap * 2;
        grown = realloc(r->tok, cap);
        if (!grown)
            return fail(r, r->tok_pos, "out of memory");
        r->tok = grown;
        r->tok_cap = cap;
    }
    memcpy(r->tok + r->tok_len, src, n);
    r->tok_len += n;
    return 0;
}

/* An error inside a token whose pending run [run, p) has not been copied
 * yet: if that run already crossed max_token, the limit was hit first and
 * must be what is reported, or the verdict would depend on the chunking. */
static int fail_in_token(fmt_json_reader *r, const unsigned char *run, const unsigned char *p,
                         const char *fmt, unsigned char c)
{
    char what[32];
    if ((size_t)(p - run) > r->opts.max_token - r->tok_len)
        return fail_too_long(r);
    return fail(r, position_at(r, (size_t)(p - r->buf)), fmt, describe_byte(what, sizeof what, c));
}

static int append_code_point(fmt_json_reader *r, unsigned cp)
{
    unsigned char out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        out[0] = (unsigned char)(0xf0 | cp >> 18);
        out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        out[3] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return tok_append(r, out, n);
}

static int finish_unicode_escape(fmt_json_reader *r)
{
    unsigned v = r->hex_value;
    r->str_state = S_PLAIN;
    if (r->high_surrogate) {
        unsigned high = r->high_surrogate;
        r->high_surrogate = 0;
        if (v < 0xdc00 || v > 0xdfff)
            return fail(r, r->high_pos, "unpaired surrogate \\u%04x", high);
        return append_code_point(r, 0x10000 + ((high - 0xd800) << 10) + (v - 0xdc00));
    }
    if (v >= 0xd800 && v <= 0xdbff) {
        r->high_surrogate = v;
        r->high_pos = r->escape_pos;
        r->str_state = S_LOW_BACKSLASH;
        return 0;
    }
    if (v >= 0xdc00 && v <= 0xdfff)
        return fail(r, r->escape_pos, "unpaired surrogate \\u%04x", v);
    return append_code_point(r, v);
}

/* One byte of an escape sequence; the caller has flushed the plain run. */
static int string_escape_byte(fmt_json_reader *r, const unsigned char *p)
{
    unsigned char c = *p, out;
    char what[32];

    switch (r->str_state) {
    case S_ESCAPE:
        switch (c) {
        case '"':
        case '\\':
        case '/':
            out = c;
            break;
        case 'b':
            out = '\b';
            break;
        case 'f':
            out = '\f';
            break;
        case 'n':
            out = '\n';
            break;
        case 'r':
            out = '\r';
            break;
        case 't':
            out = '\t';
            break;
        case 'u':
            r->str_state = S_HEX;
            r->hex_value = 0;
            r->hex_digits = 0;
            return 0;
        default:
            return fail(r, position_at(r, (size_t)(p - r->buf)), "invalid escape: %s",
                        describe_byte(what, sizeof what, c));
        }
        r->str_state = S_PLAIN;
        return tok_append(r, &out, 1);
    case S_HEX: {
        unsigned d;
        if (is_digit(c))
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return fail(r, position_at(r, (size_t)(p - r->buf)), "invalid \\u escape: %s",
                        describe_byte(what, sizeof what, c));
        r->hex_value = r->hex_value << 4 | d;
        if (++r->hex_digits < 4)
            return 0;
        return finish_unicode_escape(r);
    }
    case S_LOW_BACKSLASH:
        if (c != '\\')
            return fail(r, r->high_pos, "unpaired surrogate \\u%04x", r->high_surrogate);
        r->str_state = S_LOW_U;
        return 0;
    case S_LOW_U:
        if (c != 'u')
            return fail(r, r->high_pos, "unpaired surrogate \\u%04x", r->high_surrogate);
        r->str_state = S_HEX;
        r->hex_value = 0;
        r->hex_digits = 0;
        return 0;
    case S_PLAIN:
        break;
    }
    assert(0 && "string_escape_byte outside an escape");
    return fail(r, position_at(r, (size_t)(p - r->buf)), "internal error");
}

/* Returns 1 when the closing quote was consumed, 0 when the chunk ran out,
 * -1 on error. Runs of plain bytes are found with a table and copied in one
 * memcpy; UTF-8 is validated byte by byte only where non-ASCII appears. */
static int lex_string(fmt_json_reader *r)
{
    const unsigned char *buf = r->buf, *p = buf + r->pos, *end = buf + r->len;
    const unsigned char *run = p;

    while (p < end) {
        unsigned char c;
        if (r->str_state != S_PLAIN) {
            if (string_escape_byte(r, p) < 0)
                return -1;
            run = ++p;
            continue;
        }
        if (r->utf8_need) {
            c = *p;
            if (c < 0x80 || c > 0xbf)
                return fail_in_token(r, run, p, "truncated utf-8 sequence in string", c);
            if (c < r->utf8_lo || c > r->utf8_hi)
                return fail_in_token(r, run, p, "invalid utf-8 in string: %s", c);
            r->utf8_lo = 0x80;
            r->utf8_hi = 0xbf;
            r->utf8_need--;
            p++;
            continue;
        }
        while (end - p >= 4 && (plain_string_byte[p[0]] & plain_string_byte[p[1]] &
                                plain_string_byte[p[2]] & plain_string_byte[p[3]]))
            p += 4;
        while (p < end && plain_string_byte[*p])
            p++;
        if (p == end)
            break;
        c = *p;
        if (c == '"' || c == '\\') {
            if (tok_append(r, run, (size_t)(p - run)) < 0)
                return -1;
            if (c == '"') {
                r->pos = (size_t)(p + 1 - buf);
                return 1;
            }
            r->escape_pos = position_at(r, (size_t)(p - buf));
            r->str_state = S_ESCAPE;
            run = ++p;
            continue;
        }
        if (c < 0x20)
            return fail_in_token(r, run, p, "unescaped control %s in string", c);
        /* Lead byte: RFC 3629 table 3-7 ranges, which exclude overlongs,
         * UTF-16 surrogates and anything above U+10FFFF. */
        r->utf8_lo = 0x80;
        r->utf8_hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            r->utf8_need = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            r->utf8_need = 2;
            if (c == 0xe0)
                r->utf8_lo = 0xa0;
            else if (c == 0xed)
                r->utf8_hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            r->utf8_need = 3;
            if (c == 0xf0)
                r->utf8_lo = 0x90;
            else if (c == 0xf4)
                r->utf8_hi = 0x8f;
        } else {
            return fail_in_token(r, run, p, "invalid utf-8 in string: %s", c);
        }
        p++;
    }
    if (tok_append(r, run, (size_t)(p - run)) < 0)
        return -1;
    r->pos = r->len;
    return 0;
}

static int number_is_complete(enum number_state s)
{
    return s == N_ZERO || s == N_INT || s == N_FRAC || s == N_EXP;
}

/* Returns 1 when the byte after the number was reached (not consumed), 0
 * when the chunk ran out, -1 on error. */
static int lex_number(fmt_json_reader *r)
{
    const unsigned char *buf = r->buf, *p = buf + r->pos, *end = buf + r->len;
    const unsigned char *run = p;
    enum number_state s = r->num_state;
    const char *bad = "invalid number: unexpected %s";

    for (; p < end; p++) {
        unsigned char c = *p;
        switch (s) {
        case N_START: /* the caller saw '-' or a digit */
            s = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
            continue;
        case N_MINUS:
            if (!is_digit(c))
                goto invalid;
            s = c == '0' ? N_ZERO : N_INT;
            continue;
        case N_ZERO:
            if (is_digit(c)) {
                bad = "invalid number: %s after a leading zero";
                goto invalid;
            }
            break;
        case N_INT:
        case N_FRAC:
        case N_EXP:
            while (p < end && is_digit(*p))
                p++;
            if (p == end)
                goto chunk_end;
            c = *p;
            break;
        case N_DOT:
            if (!is_digit(c))
                goto invalid;
            s = N_FRAC;
            continue;
        case N_EXP_MARK:
            if (c == '+' || c == '-') {
                s = N_EXP_SIGN;
                continue;
            }
            /* fallthrough */
        case N_EXP_SIGN:
            if (!is_digit(c))
                goto invalid;
            s = N_EXP;
            continue;
        }
        /* c follows a complete number: it either extends it or ends it */
        if (c == '.' && (s == N_ZERO || s == N_INT)) {
            s = N_DOT;
        } else if ((c == 'e' || c == 'E') && s != N_EXP) {
            s = N_EXP_MARK;
        } else {
            r->num_state = s;
            if (tok_append(r, run, (size_t)(p - run)) < 0)
                return -1;
            r->pos = (size_t)(p - buf);
            return 1;
        }
    }
chunk_end:
    r->num_state = s;
    if (tok_append(r, run, (size_t)(p - run)) < 0)
        return -1;
    r->pos = r->len;
    return 0;
invalid:
    return fail_in_token(r, run, p, bad, *p);
}

/* Returns 1 when the literal is complete, 0 when the chunk ran out. */
static int lex_literal(fmt_json_reader *r)
{
    while (r->lit_idx < r->lit_len && r->pos < r->len) {
        unsigned char c = r->buf[r->pos];
        if (c != (unsigned char)r->lit[r->lit_idx]) {
            char what[32];
            return fail(r, position_at(r, r->pos), "invalid literal: unexpected %s",
                        describe_byte(what, sizeof what, c));
        }
        r->pos++;
        r->lit_idx++;
    }
    return r->lit_idx == r->lit_len;
}

/* ---- keys, for reject_duplicate_keys ----
 * p grown to at least need elements of size bytes, or NULL (p untouched). */
static void *grow_array(void *p, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 16;
    if (need <= *cap)
        return p;
    for (; n < need; n *= 2)
        if (n > SIZE_MAX / 2 / size)
            return NULL;
    if ((p = realloc(p, n * size)) != NULL)
        *cap = n;
    return p;
}

/* Eight bytes a step (the last eight overlapping), every byte counted. */
static uint32_t hash_key(uint64_t seed, const char *key, size_t len)
{
    uint64_t h = seed ^ len, w = 0;
    if (len >= 8) {
        for (size_t i = 0; i + 8 < len; i += 8) {
            memcpy(&w, key + i, 8);
            h = (h ^ w) * 0xff51afd7ed558ccdu;
        }
        memcpy(&w, key + len - 8, 8);
    } else {
        for (size_t i = 0; i < len; i++)
            w = w << 8 | (unsigned char)key[i];
    }
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
    return (uint32_t)((h ^ h >> 32) * 0xff51afd7ed558ccdu >> 32); /* the high half: all bits */
}

#define SAME_KEY(r, k, key, len, hash)                                                             \
    ((k)->hash == (hash) && (k)->len == (len) && !memcmp((r)->key_bytes + (k)->offset, key, len))

/* The key for a message: about 40 bytes at most, not cut inside a UTF-8
 * sequence, with '"', '\\' and control bytes (NUL too) escaped as in JSON. */
static void quote_key(char *out, size_t size, const char *key, size_t len)
{
    size_t o = 0, i = 0, n = fmt_utf8_validate(key, len < 40 ? len : 40);
    for (; i < n; i++) {
        unsigned char c = (unsigned char)key[i];
        if ((c & 0xc0) != 0x80 && o + 24 > size)
            break; /* room for "..." and the message; checked between characters */
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
            o += (size_t)snprintf(out + o, size - o, c > 0x20 && c < 0x7f ? "\\%c" : "\\u%04x", c);
        else
            out[o++] = (char)c;
    }
    snprintf(out + o, size - o, "%s", i < len ? "..." : "");
}

static int push_key_frame(fmt_json_reader *r)
{
    struct key_frame *f = grow_array(r->frames, &r->frames_cap, r->nframes + 1, sizeof *f);
    if (!f)
        return fail(r, position_at(r, r->pos), "out of memory");
    r->frames = f;
    f += r->nframes++;
    f->first_record = r->nrecords;
    f->first_byte = r->key_bytes_len;
    f->first_slot = r->slots_len;
    f->nslots = 0;
    return 0;
}

/* The key's slot in the innermost object's table, or the empty one for it. */
static size_t *find_slot(fmt_json_reader *r, const struct key_frame *f, const char *key, size_t len,
                         uint32_t hash)
{
    size_t mask = f->nslots - 1, i = hash & mask;
    size_t *slots = r->slots + f->first_slot;
    while (slots[i] && !SAME_KEY(r, &r->records[f->first_record + slots[i] - 1], key, len, hash))
        i = (i + 1) & mask;
    return &slots[i];
}

/* Gives the innermost object a table of 2 slots per key or more, refilled. */
static int rehash_keys(fmt_json_reader *r, struct key_frame *f)
{
    size_t nkeys = r->nrecords - f->first_record, n = f->nslots ? f->nslots : 4 * KEYS_LINEAR;
    while (n < 2 * nkeys)
        n *= 2;
    size_t *slots = grow_array(r->slots, &r->slots_cap, f->first_slot + n, sizeof *slots);
    if (!slots)
        return fail(r, r->tok_pos, "out of memory");
    r->slots = slots;
    f->nslots = n;
    r->slots_len = f->first_slot + n;
    memset(slots + f->first_slot, 0, n * sizeof *slots);
    for (size_t k = 0; k < nkeys; k++) {
        const struct key_record *rec = &r->records[f->first_record + k];
        *find_slot(r, f, r->key_bytes + rec->offset, rec->len, rec->hash) = k + 1;
    }
    return 0;
}

/* Adds the key just read to the innermost object, unless it is there. */
static int remember_key(fmt_json_reader *r)
{
    struct key_frame *f = &r->frames[r->nframes - 1];
    const char *key = r->tok;
    size_t len = r->tok_len, nkeys = r->nrecords - f->first_record, *slot = NULL;
    size_t used =
        r->key_bytes_len + r->nrecords * sizeof(struct key_record) + r->slots_len * sizeof(size_t);
    uint32_t hash = hash_key(r->hash_seed, key, len);
    struct key_record *rec;
    char *bytes, what[96];

    if (f->nslots) {
        slot = find_slot(r, f, key, len, hash);
        if (*slot)
            goto duplicate;
    } else {
        for (size_t k = f->first_record; k < r->nrecords; k++)
            if (SAME_KEY(r, &r->records[k], key, len, hash))
                goto duplicate;
    }
    if (used > r->opts.max_key_memory || len + sizeof *rec > r->opts.max_key_memory - used)
        return fail(r, r->tok_pos, "keys of the open objects take more than %zu bytes",
                    r->opts.max_key_memory);
    if (!(rec = grow_array(r->records, &r->records_cap, r->nrecords + 1, sizeof *rec)))
        return fail(r, r->tok_pos, "out of memory");
    r->records = rec;
    if (!(bytes = grow_array(r->key_bytes, &r->key_bytes_cap, r->key_bytes_len + len + 1, 1)))
        return fail(r, r->tok_pos, "out of memory");
    r->key_bytes = bytes;
    memcpy(r->key_bytes + r->key_bytes_len, key, len);
    rec = &r->records[r->nrecords++];
    rec->offset = r->key_bytes_len;
    rec->len = len;
    rec->hash = hash;
    r->key_bytes_len += len;
    if (nkeys + 1 > (f->nslots ? f->nslots / 2 : KEYS_LINEAR))
        return rehash_keys(r, f);
    if (slot)
        *slot = nkeys + 1;
    return 0;
duplicate:
    quote_key(what, sizeof what, key, len);
    return fail(r, r->tok_pos, "duplicate key \"%s\" in an object", what);
}

static void set_event(fmt_json_event *ev, fmt_json_event_type type, const char *text, size_t len,
                      fmt_position pos, unsigned depth)
{
    ev->type = type;
    ev->text = text;
    ev->len = len;
    ev->pos = pos;
    ev->depth = depth;
}

static void value_done(fmt_json_reader *r)
{
    r->state = r->depth == 0 ? P_DONE : P_AFTER;
}

static int emit_token(fmt_json_reader *r, fmt_json_event *ev)
{
    enum lex_mode mode = r->lex;
    r->lex = L_NONE;
    if (mode == L_LITERAL) {
        set_event(ev, r->lit_type, r->lit, r->lit_len, r->tok_pos, r->depth);
        value_done(r);
        return 0;
    }
    r->tok[r->tok_len] = '\0';
    if (mode == L_STRING && r->is_key) {
        if (r->opts.reject_duplicate_keys && remember_key(r) < 0)
            return -1;
        set_event(ev, FMT_JSON_KEY, r->tok, r->tok_len, r->tok_pos, r->depth);
        r->state = P_COLON;
        return 0;
    }
    set_event(ev, mode == L_STRING ? FMT_JSON_STRING : FMT_JSON_NUMBER, r->tok, r->tok_len,
              r->tok_pos, r->depth);
    value_done(r);
    return 0;
}

static void start_token(fmt_json_reader *r, enum lex_mode mode)
{
    r->lex = mode;
    r->tok_pos = position_at(r, r->pos);
    r->tok_len = 0;
}

static void start_string(fmt_json_reader *r, int is_key)
{
    start_token(r, L_STRING);
    r->is_key = is_key;
    r->str_state = S_PLAIN;
    r->utf8_need = 0;
    r->high_surrogate = 0;
    r->pos++; /* the opening quote */
}

static void start_literal(fmt_json_reader *r, const char *lit, fmt_json_event_type type)
{
    start_token(r, L_LITERAL);
    r->lit = lit;
    r->lit_len = (unsigned)strlen(lit);
    r->lit_idx = 0;
    r->lit_type = type;
}

static int open_container(fmt_json_reader *r, fmt_json_event *ev, enum container kind)
{
    if (r->depth >= r->opts.max_depth)
        return fail(r, position_at(r, r->pos), "nesting deeper than %u levels", r->opts.max_depth);
    if (r->depth == r->stack_cap) {
        unsigned cap = r->stack_cap > r->opts.max_depth / 2 ? r->opts.max_depth : r->stack_cap * 2;
        unsigned char *grown = realloc(r->stack, cap);
        if (!grown)
            return fail(r, position_at(r, r->pos), "out of memory");
        r->stack = grown;
        r->stack_cap = cap;
    }
    if (kind == C_OBJECT && r->opts.reject_duplicate_keys && push_key_frame(r) < 0)
        return -1;
    if (kind == C_OBJECT)
        set_event(ev, FMT_JSON_OBJECT_START, "{", 1, position_at(r, r->pos), r->depth);
    else
        set_event(ev, FMT_JSON_ARRAY_START, "[", 1, position_at(r, r->pos), r->depth);
    r->stack[r->depth++] = (unsigned char)kind;
    r->state = kind == C_OBJECT ? P_OBJECT_FIRST : P_ARRAY_FIRST;
    r->pos++;
    return 1;
}

static int close_container(fmt_json_reader *r, fmt_json_event *ev)
{
    r->depth--;
    if (r->stack[r->depth] == C_OBJECT && r->opts.reject_duplicate_keys) {
        const struct key_frame *f = &r->frames[--r->nframes]; /* its keys go with it */
        r->nrecords = f->first_record;
        r->key_bytes_len = f->first_byte;
        r->slots_len = f->first_slot;
    }
    if (r->stack[r->depth] == C_OBJECT)
        set_event(ev, FMT_JSON_OBJECT_END, "}", 1, position_at(r, r->pos), r->depth);
    else
        set_event(ev, FMT_JSON_ARRAY_END, "]", 1, position_at(r, r->pos), r->depth);
    r->pos++;
    value_done(r);
    return 1;
}

static int start_value(fmt_json_reader *r, fmt_json_event *ev, unsigned char c)
{
    switch (c) {
    case '{':
        return open_container(r, ev, C_OBJECT);
    case '[':
        return open_container(r, ev, C_ARRAY);
    case '"':
        start_string(r, 0);
        return 0;
    case 't':
        start_literal(r, "true", FMT_JSON_TRUE);
        return 0;
    case 'f':
        start_literal(r, "false", FMT_JSON_FALSE);
        return 0;
    case 'n':
        start_literal(r, "null", FMT_JSON_NULL);
        return 0;
    default:
        if (c == '-' || is_digit(c)) {
            start_token(r, L_NUMBER);
            r->num_state = N_START;
            return 0;
        }
        return fail_unexpected(r, r->pos, "a value");
    }
}

/* Handles one significant byte outside any token. Returns 1 if an event was
 * produced, 0 if the byte was consumed or began a token, -1 on error. */
static int structure_byte(fmt_json_reader *r, fmt_json_event *ev)
{
    unsigned char c = r->buf[r->pos];
    int in_object;

    switch (r->state) {
    case P_ARRAY_FIRST:
        if (c == ']')
            return close_container(r, ev);
        /* fallthrough */
    case P_VALUE:
        return start_value(r, ev, c);
    case P_OBJECT_FIRST:
        if (c == '}')
            return close_container(r, ev);
        if (c == '"')
            break;
        return fail_unexpected(r, r->pos, "a string key or '}'");
    case P_KEY:
        if (c == '"')
            break;
        return fail_unexpected(r, r->pos, "a string key");
    case P_COLON:
        if (c != ':')
            return fail_unexpected(r, r->pos, "':'");
        r->pos++;
        r->state = P_VALUE;
        return 0;
    case P_AFTER:
        in_object = r->stack[r->depth - 1] == C_OBJECT;
        if (c == ',') {
            r->pos++;
            r->state = in_object ? P_KEY : P_VALUE;
            return 0;
        }
        if (c == (in_object ? '}' : ']'))
            return close_container(r, ev);
        return fail_unexpected(r, r->pos, in_object ? "',' or '}'" : "',' or ']'");
    case P_DONE:
    case P_END:
        return fail_unexpected(r, r->pos, NULL);
    }
    start_string(r, 1);
    return 0;
}

static void skip_whitespace(fmt_json_reader *r)
{
    const unsigned char *p = r->buf + r->pos, *end = r->buf + r->len;
    while (p < end) {
        unsigned char c = *p;
        if (c == ' ' || c == '\t' || c == '\r') {
            p++;
        } else if (c == '\n') {
            p++;
            r->line++;
            r->line_start = r->base + (uint64_t)(p - r->buf);
        } else {
            break;
        }
    }
    r->pos = (size_t)(p - r->buf);
}

static int need_input(fmt_json_reader *r, fmt_json_event *ev)
{
    set_event(ev, FMT_JSON_NEED_INPUT, "", 0, position_at(r, r->len), r->depth);
    r->buf = no_input; /* the caller may reuse or free the chunk now */
    return 0;
}

int fmt_json_reader_new(fmt_json_reader **out, const fmt_json_reader_options *opts)
{
    fmt_json_reader_options defaults = FMT_JSON_READER_OPTIONS_INIT;
    fmt_json_reader *r;

    *out = NULL;
    r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    r->opts = opts ? *opts : defaults;
    r->tok_cap = TOKEN_INITIAL_CAPACITY;
    r->tok = malloc(r->tok_cap);
    r->stack_cap =
        r->opts.max_depth < STACK_INITIAL_CAPACITY ? r->opts.max_depth : STACK_INITIAL_CAPACITY;
    r->stack = malloc(r->stack_cap ? r->stack_cap : 1);
    if (!r->tok || !r->stack) {
        fmt_json_reader_free(r);
        return -1;
    }
    /* varies with ASLR: keys found to collide elsewhere do not collide here */
    r->hash_seed = ((uint64_t)(uintptr_t)r ^ 0x9e3779b97f4a7c15u) * 0xff51afd7ed558ccdu;
    r->buf = no_input;
    r->line = 1;
    r->state = P_VALUE;
    r->lex = L_NONE;
    *out = r;
    return 0;
}

void fmt_json_reader_free(fmt_json_reader *r)
{
    if (!r)
        return;
    free(r->tok);
    free(r->stack);
    free(r->frames);
    free(r->records);
    free(r->key_bytes);
    free(r->slots);
    free(r);
}

void fmt_json_reader_feed(fmt_json_reader *r, const char *buf, size_t len, int is_final)
{
    if (r->err)
        return;
    /* Feeding before the previous chunk was used up is a caller bug. */
    assert(r->pos == r->len);
    r->base += r->len;
    r->buf = buf ? (const unsigned char *)buf : no_input;
    r->len = buf ? len : 0;
    r->pos = 0;
    if (r->is_final && len > 0) {
        fail(r, position_at(r, 0), "input after the end of input");
        return;
    }
    r->is_final = r->is_final || is_final;
}

int fmt_json_reader_next(fmt_json_reader *r, fmt_json_event *ev)
{
    if (r->err)
        return r->err;
    for (;;) {
        int rc;
        if (r->lex != L_NONE) {
            switch (r->lex) {
            case L_STRING:
                rc = lex_string(r);
                break;
            case L_NUMBER:
                rc = lex_number(r);
                break;
            default:
                rc = lex_literal(r);
                break;
            }
            if (rc < 0)
                return rc;
            if (rc == 0) {
                if (!r->is_final)
                    return need_input(r, ev);
                if (r->lex == L_STRING)
                    return fail(r, r->tok_pos, "unterminated string");
                if (r->lex == L_LITERAL || !number_is_complete(r->num_state))
                    return fail(r, position_at(r, r->len), "unexpected end of input");
            }
            return emit_token(r, ev);
        }

        skip_whitespace(r);
        if (r->pos == r->len) {
            if (!r->is_final)
                return need_input(r, ev);
            if (r->state == P_DONE || r->state == P_END) {
                r->state = P_END;
                set_event(ev, FMT_JSON_END, "", 0, position_at(r, r->len), 0);
                return 0;
            }
            return fail(r, position_at(r, r->len), "unexpected end of input");
        }
        rc = structure_byte(r, ev);
        if (rc < 0)
            return rc;
        if (rc > 0)
            return 0;
    }
}

const char *fmt_json_reader_errmsg(const fmt_json_reader *r)
{
    return r->err ? r->errmsg : "";
}

fmt_position fmt_json_reader_errpos(const fmt_json_reader *r)
{
    return r->errpos;
}

fmt_position fmt_json_reader_position(const fmt_json_reader *r)
{
    return position_at(r, r->pos);
}

/* Not in the header: lets the unit test check that memory stays bounded by
 * the largest token and the deepest nesting, not by the document size. */
size_t fmt_json_reader_test_capacity(const fmt_json_reader *r);
size_t fmt_json_reader_test_capacity(const fmt_json_reader *r)
{
    return r->tok_cap + r->stack_cap + r->frames_cap * sizeof *r->frames +
           r->records_cap * sizeof *r->records + r->key_bytes_cap + r->slots_cap * sizeof *r->slots;
}
