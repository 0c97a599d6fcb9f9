/* Fuzz harness for format/base64. Decoding is strict, so whatever decodes
 * must re-encode to exactly the input (one canonical encoding per byte
 * string); and the streaming encoder must match one-shot encoding however
 * the input is split. Any mismatch aborts. */
#include "base64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_decode_round_trip(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t max = size / 4 * 3;
    unsigned char *decoded = malloc(max ? max : 1);
    char err[128];
    size_t decoded_len = 0;

    if (!decoded) {
        return;
    }
    err[0] = '\0';
    if (fmt_base64_decode(decoded, &decoded_len, text, size, err, sizeof err) == 0) {
        if (decoded_len > max || fmt_base64_encoded_len(decoded_len) != size) {
            abort();
        }
        char *again = malloc(size ? size : 1);
        if (!again) {
            abort();
        }
        fmt_base64_encode(again, decoded, decoded_len);
        if (memcmp(again, text, size) != 0) {
            abort();
        }
        free(again);
    } else if (err[0] == '\0') {
        abort(); /* a rejection must say why */
    }
    free(decoded);
}

static void check_streaming_encoder(const uint8_t *data, size_t size)
{
    size_t encoded = fmt_base64_encoded_len(size);
    char *whole = malloc(encoded ? encoded : 1);
    /* Per the header, update may write up to 4 characters past whole quads. */
    char *streamed = malloc(encoded + 8);

    if (!whole || !streamed) {
        abort();
    }
    fmt_base64_encode(whole, data, size);

    /* Two split points taken from the data, so the fuzzer explores them. */
    size_t split1 = size ? data[0] % (size + 1) : 0;
    size_t split2 = size > 1 ? split1 + data[size - 1] % (size - split1 + 1) : split1;
    fmt_base64_encoder e;
    size_t n = 0;
    fmt_base64_encoder_init(&e);
    n += fmt_base64_encoder_update(&e, streamed + n, data, split1);
    n += fmt_base64_encoder_update(&e, streamed + n, data + split1, split2 - split1);
    n += fmt_base64_encoder_update(&e, streamed + n, data + split2, size - split2);
    n += fmt_base64_encoder_finish(&e, streamed + n);
    if (n != encoded || memcmp(whole, streamed, encoded) != 0 || memchr(whole, '\n', encoded)) {
        abort();
    }
    free(whole);
    free(streamed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_decode_round_trip(data, size);
    check_streaming_encoder(data, size);
    return 0;
}
