/*
 * A GMP prototype of the VDF's squaring loop, for the "managed BigInteger or native GMP" choice of issue 14.
 *
 * It is a line-by-line port of our own managed code (managed/TensorCash.Chain/Vdf/ClassGroup.Square, NUDUPL after
 * Cohen's Algorithm 5.4.8, and QuadraticForm.Reduced), with mpz_t in place of System.Numerics.BigInteger, so the two
 * measurements differ only in the big-integer arithmetic. It starts from the generator (2, 1, (1 - D)/8), squares T
 * times and prints the reduced result, which run.sh compares with the managed probe's: equal forms show the port is
 * faithful, so the timing ratio is a like-for-like comparison. Not consensus code and not built by CI.
 *
 * Usage: nudupl_gmp D T    (D the negative discriminant in decimal)
 */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static mpz_t t1, t2, t3q, rr, ra;

/* b' = b + 2ra in (-a, a] with r = floor((a - b) / 2a), c' = a r^2 + b r + c (QuadraticForm.Normalized). */
static void normalize(mpz_t a, mpz_t b, mpz_t c)
{
    mpz_neg(t1, a);
    if (mpz_cmp(t1, b) < 0 && mpz_cmp(b, a) <= 0) return;
    mpz_sub(t1, a, b);
    mpz_mul_2exp(t2, a, 1);
    mpz_fdiv_q(rr, t1, t2);
    mpz_mul(ra, rr, a);
    mpz_add(t1, ra, b);          /* ra + b */
    mpz_mul(t1, t1, rr);         /* (ra + b) r */
    mpz_add(c, c, t1);           /* c' */
    mpz_addmul_ui(b, ra, 2);     /* b' = b + 2ra */
}

/* The reduced form of the class (QuadraticForm.Reduced). */
static void reduce(mpz_t a, mpz_t b, mpz_t c)
{
    normalize(a, b, c);
    while (mpz_cmp(a, c) > 0 || (mpz_cmp(a, c) == 0 && mpz_sgn(b) < 0)) {
        mpz_swap(a, c);
        mpz_neg(b, b);
        normalize(a, b, c);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: %s D T\n", argv[0]); return 2; }
    mpz_t D, L, a, b, c, d1, u, bigA, bigB, cc, c1, v, d, v2, v3, q, tt3, tt2, g, e, a2, b2, c2, x;
    mpz_inits(D, L, a, b, c, d1, u, bigA, bigB, cc, c1, v, d, v2, v3, q, tt3, tt2, g, e, a2, b2, c2, x, NULL);
    mpz_inits(t1, t2, t3q, rr, ra, NULL);
    if (mpz_set_str(D, argv[1], 10) != 0 || mpz_sgn(D) >= 0) { fprintf(stderr, "D must be a negative decimal\n"); return 2; }
    long T = atol(argv[2]);

    /* L = floor(|D/4|^(1/4)), as ClassGroup's constructor: integer square roots of the truncated quotient. */
    mpz_neg(t1, D);
    mpz_tdiv_q_2exp(t1, t1, 2);
    mpz_sqrt(t1, t1);
    mpz_sqrt(L, t1);

    mpz_set_ui(a, 2);
    mpz_set_ui(b, 1);
    mpz_ui_sub(c, 1, D);
    mpz_tdiv_q_ui(c, c, 8);

    struct timespec s0, s1;
    clock_gettime(CLOCK_MONOTONIC, &s0);
    for (long i = 0; i < T; i++) {
        /* d1 = gcd(b, a), u with u*b = d1 (mod a); only u mod A is used, so gcdext's cofactor serves. */
        mpz_gcdext(d1, u, NULL, b, a);
        mpz_divexact(bigA, a, d1);
        mpz_divexact(bigB, b, d1);
        mpz_mul(t1, c, u);
        mpz_neg(t1, t1);
        mpz_mod(cc, t1, bigA);
        mpz_sub(c1, bigA, cc);
        if (mpz_cmp(c1, cc) < 0) mpz_neg(cc, c1);

        /* PARTEUCL(A, C), stopping once |v3| <= L. */
        mpz_set_ui(v, 0);
        mpz_set(d, bigA);
        mpz_set_ui(v2, 1);
        mpz_set(v3, cc);
        long steps = 0;
        while (mpz_cmpabs(v3, L) > 0) {
            mpz_fdiv_q(q, d, v3);
            mpz_mul(t1, q, v3);
            mpz_sub(tt3, d, t1);
            if (mpz_sgn(tt3) < 0) {
                mpz_add_ui(q, q, 1);
                mpz_abs(t1, v3);
                mpz_add(tt3, tt3, t1);
            }
            mpz_mul(t1, q, v2);
            mpz_sub(tt2, v, t1);
            mpz_swap(v, v2);      /* v = v2 */
            mpz_swap(d, v3);      /* d = v3 */
            mpz_swap(v2, tt2);    /* v2 = t2 */
            mpz_swap(v3, tt3);    /* v3 = t3 */
            steps++;
        }
        if (steps % 2 == 1) {
            mpz_neg(v2, v2);
            mpz_neg(v3, v3);
        }

        if (steps == 0) {
            mpz_mul(t1, bigB, v3);
            mpz_add(t1, t1, c);
            mpz_tdiv_q(g, t1, d);
            mpz_mul(a2, d, d);
            mpz_mul(c2, v3, v3);
            mpz_add(t1, d, v3);
            mpz_mul(t1, t1, t1);
            mpz_add(b2, b, t1);
            mpz_sub(b2, b2, a2);
            mpz_sub(b2, b2, c2);
            mpz_addmul(c2, g, d1);
        } else {
            mpz_mul(t1, c, v);
            mpz_addmul(t1, bigB, d);
            mpz_tdiv_q(e, t1, bigA);
            mpz_mul(t1, e, v2);
            mpz_sub(t1, t1, bigB);
            mpz_tdiv_q(g, t1, v);
            mpz_mul(b2, e, v2);
            mpz_addmul(b2, v, g);
            if (mpz_cmp_ui(d1, 1) != 0) {
                mpz_mul(b2, b2, d1);
                mpz_mul(v, v, d1);
                mpz_mul(v2, v2, d1);
            }
            mpz_mul(a2, d, d);
            mpz_mul(c2, v3, v3);
            mpz_add(t1, d, v3);
            mpz_mul(t1, t1, t1);
            mpz_add(b2, b2, t1);
            mpz_sub(b2, b2, a2);
            mpz_sub(b2, b2, c2);
            mpz_addmul(a2, e, v);
            mpz_addmul(c2, g, v2);
        }
        mpz_swap(a, a2);
        mpz_swap(b, b2);
        mpz_swap(c, c2);
        reduce(a, b, c);
    }
    clock_gettime(CLOCK_MONOTONIC, &s1);
    double secs = (s1.tv_sec - s0.tv_sec) + (s1.tv_nsec - s0.tv_nsec) / 1e9;

    /* Sanity: b^2 - 4ac must still be D. */
    mpz_mul(t1, b, b);
    mpz_mul(t2, a, c);
    mpz_submul_ui(t1, t2, 4);
    if (mpz_cmp(t1, D) != 0) { fprintf(stderr, "discriminant drifted: the port is wrong\n"); return 1; }

    gmp_printf("gmp a=%Zd\ngmp b=%Zd\n", a, b);
    printf("gmp seconds=%.4f squarings_per_s=%.0f\n", secs, T / secs);
    return 0;
}
