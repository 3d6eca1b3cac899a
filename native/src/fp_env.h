// The floating-point environment the numerical contract (tensorcash.h) assumes, checked at every entry point that
// computes: round to nearest even, subnormals neither flushed (FTZ) nor treated as zero on input (DAZ), and every
// exception masked. A host that changed MXCSR (a game engine or a math library enabling FTZ/DAZ "for speed", or a
// directed rounding mode left behind) would silently get other bits; such a call is refused instead.
#pragma once

namespace tc {

// Throws tc::Error(TC_ERR_UNSUPPORTED) naming the register value when the calling thread's environment is not the default.
void require_default_fp_env();

// Puts the calling thread in the default environment (pool workers, at start: they compute on the caller's behalf).
void set_default_fp_env();

}  // namespace tc
