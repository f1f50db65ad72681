#pragma once
/// Logging: info() prints on rank 0 only, warnAll() on every rank prefixed by its rank.
/// Library code logs through these, never through std::cout.
#include "saddle/core/comm.hpp"

#include <cstdio>
#include <string>

namespace saddle::log {

/// Print one line on rank 0 of `comm` (stdout, flushed). Not collective.
inline void info(mpi::Comm const& comm, std::string const& line) {
  if (comm.rank() == 0) {
    std::fprintf(stdout, "%s\n", line.c_str());
    std::fflush(stdout);
  }
}

/// Print a warning on every rank that calls it (stderr), prefixed by the rank. Not collective.
inline void warnAll(mpi::Comm const& comm, std::string const& line) {
  std::fprintf(stderr, "[rank %d] saddle warning: %s\n", comm.rank(), line.c_str());
  std::fflush(stderr);
}

/// printf-style formatting into a std::string (for fixed-column progress lines).
template <class... Args> std::string format(char const* fmt, Args... args) {
  int const n = std::snprintf(nullptr, 0, fmt, args...);
  std::string out(static_cast<std::size_t>(n > 0 ? n : 0), '\0');
  if (n > 0)
    std::snprintf(out.data(), out.size() + 1, fmt, args...);
  return out;
}

} // namespace saddle::log
