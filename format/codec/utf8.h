/* UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
#ifndef FMT_UTF8_H
#define FMT_UTF8_H

#include <stddef.h>

/* Returns the byte offset of the first invalid sequence, or len if valid. */
size_t fmt_utf8_validate(const char *s, size_t len);
/* Encodes code point cp (<= 0x10FFFF, not a surrogate) into out[4]; returns bytes. */
int fmt_utf8_encode(char *out, unsigned cp);

#endif
