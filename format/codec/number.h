/* Number text <-> machine values, locale independent, range checked.
 * Floats format shortest-round-trip: parsing the text gives back the same bits. */
#ifndef FMT_NUMBER_H
#define FMT_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#define FMT_DOUBLE_BUFSZ 32
/* Largest magnitude written as a JSON number; beyond it integers are strings. */
#define FMT_JSON_SAFE_INTEGER 9007199254740991LL

/* Shortest text that strtod parses back to the same bits. Finite values
 * always contain '.', 'e' or are "-0.0"-style ("5.0", "1e+20", "0.1",
 * "-0.0"); non-finite ones are "NaN", "Infinity", "-Infinity".
 * Returns the length written (< FMT_DOUBLE_BUFSZ). */
int fmt_double_format(char out[FMT_DOUBLE_BUFSZ], double v);
/* Text for a finite float32 that strtof reads back to the same bits: nine
 * significant digits, trailing zeros dropped ("1.5e+0", "-2.5e-3", "0",
 * "-0"). No printf: exports of embeddings format hundreds of these per
 * row. Returns the length (< 24). Non-finite values are the caller's. */
int fmt_float32_format(char out[24], float f);

/* Parses a JSON number lexeme or "NaN"/"Infinity"/"-Infinity" (exactly as
 * fmt_double_format writes them) into a double. Returns 0 or <0 if the text
 * is not a number or overflows to infinity without being "Infinity". */
int fmt_double_parse(double *out, const char *s, size_t len);

/* Parses an optionally signed decimal integer (JSON number lexeme without
 * fraction/exponent, or the same text inside a string) into int64.
 * Also accepts a JSON number lexeme with fraction/exponent that denotes an
 * exact integer no larger than FMT_JSON_SAFE_INTEGER in magnitude (jq may
 * write 1e+3). Returns 0, -1 if not an integer, -2 if out of range. */
int fmt_int64_parse(int64_t *out, const char *s, size_t len);
int fmt_int64_format(char out[24], int64_t v);

/* True if s is a valid JSON number lexeme (RFC 8259 grammar). */
int fmt_is_json_number(const char *s, size_t len);
/* True if s is an exact decimal literal: the JSON number grammar, or "NaN",
 * "Infinity", "-Infinity". Used to validate decimal column values. */
int fmt_is_decimal_text(const char *s, size_t len);

#endif
