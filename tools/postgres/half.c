/* See pg_half.h. */
#include "pg_half.h"

#include <math.h>
#include <string.h>

uint16_t pg_half_from_float(float f)
{
    uint32_t x, exponent, mantissa, half, rest;
    uint16_t sign;
    int e;
    memcpy(&x, &f, sizeof x);
    sign = (uint16_t)((x >> 16) & 0x8000u);
    exponent = (x >> 23) & 0xffu;
    mantissa = x & 0x7fffffu;
    if (exponent == 0xff) { /* infinity, or NaN kept quiet and non-zero */
        return (uint16_t)(sign | 0x7c00u | (mantissa ? 0x200u | (mantissa >> 13) : 0));
    }
    e = (int)exponent - 127 + 15;
    if (e >= 31) {
        return (uint16_t)(sign | 0x7c00u);
    }
    if (e <= 0) {
        /* A half subnormal: m * 2^-24 with m = (1.mantissa) * 2^(e - 14 + 23) */
        uint32_t shift, halfway;
        if (e < -10) {
            return sign; /* below half of the smallest subnormal */
        }
        mantissa |= 0x800000u;
        shift = (uint32_t)(14 - e);
        half = mantissa >> shift;
        rest = mantissa & ((1u << shift) - 1);
        halfway = 1u << (shift - 1);
        if (rest > halfway || (rest == halfway && (half & 1u))) {
            half++; /* may carry into the smallest normal: still right */
        }
        return (uint16_t)(sign | half);
    }
    half = ((uint32_t)e << 10) | (mantissa >> 13);
    rest = mantissa & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) {
        half++; /* a carry into the exponent is the right rounding, up to infinity */
    }
    return (uint16_t)(sign | half);
}

float pg_half_to_float(unsigned h)
{
    unsigned sign = (h >> 15) & 1, exp = (h >> 10) & 31, frac = h & 1023;
    float v;
    if (exp == 0)
        v = ldexpf((float)frac, -24);
    else if (exp == 31)
        v = frac ? NAN : INFINITY;
    else
        v = ldexpf((float)(frac | 1024), (int)exp - 25);
    return sign ? -v : v;
}
