/* IEEE binary16, pgvector's halfvec element, both ways: the decoder turns
 * halfvec text into these bits, the encoder writes them back as text. One
 * conversion each way, so that a value survives the round trip. */
#ifndef PG_HALF_H
#define PG_HALF_H

#include <stdint.h>

/* The binary16 bits of f, rounded to nearest even (exact for a value that
 * came from a half); overflow gives infinity, NaN stays NaN. */
uint16_t pg_half_from_float(float f);
/* The value of the binary16 bits h (a float holds every half exactly). */
float pg_half_to_float(unsigned h);

#endif
