/* Base64 (RFC 4648, standard alphabet, padded), strict: the encoder writes
 * no line breaks, and the decoder rejects characters outside the alphabet,
 * bad padding, bad length and non-canonical trailing bits with a message
 * that says where. */
#ifndef FMT_BASE64_H
#define FMT_BASE64_H

#include <stddef.h>

/* Bytes needed to encode len bytes (no terminator). */
size_t fmt_base64_encoded_len(size_t len);
/* Writes exactly fmt_base64_encoded_len(len) characters to out (no NUL). */
void fmt_base64_encode(char *out, const void *in, size_t len);

/* Streaming encoder, for values too large to encode in one buffer. Feed any
 * chunk sizes; each call writes whole quads to out and returns the count
 * (at most (len + 2) / 3 * 4 + 4 characters). finish writes the tail. */
typedef struct {
    unsigned char pending[3];
    size_t npending;
} fmt_base64_encoder;
void fmt_base64_encoder_init(fmt_base64_encoder *e);
size_t fmt_base64_encoder_update(fmt_base64_encoder *e, char *out, const void *in, size_t len);
size_t fmt_base64_encoder_finish(fmt_base64_encoder *e, char *out);

/* Decodes len characters from in into out (room for len / 4 * 3 bytes).
 * Returns 0 and sets *outlen, or <0 with a message in errbuf naming the
 * offending character offset (0-based within in). */
int fmt_base64_decode(void *out, size_t *outlen, const char *in, size_t len, char *errbuf,
                      size_t errlen);
/* Decoded length for a valid encoding of len characters, or (size_t)-1 if
 * len is not a multiple of 4. Padding is not inspected. */
size_t fmt_base64_decoded_max(size_t len);

#endif
