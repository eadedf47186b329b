// Invariant assertions that stay on in release builds (TigerBeetle's rule): a broken invariant in
// a ledger is worse than a crash. Use for conditions the code guarantees, never for bad input.
#pragma once

#include <cstdio>
#include <cstdlib>

#define STOA_ASSERT(cond)                                                                        \
  do {                                                                                           \
    if (!(cond)) [[unlikely]] {                                                                  \
      std::fprintf(stderr, "stoa: invariant violated: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                              \
    }                                                                                            \
  } while (0)
