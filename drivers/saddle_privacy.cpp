// saddle-privacy: differential-privacy accounting from the command line.
//   saddle-privacy epsilon --sigma S --q Q --steps T --delta D [--accountant rdp|pld]
//   saddle-privacy sigma --epsilon E --q Q (--steps T | --epochs N) --delta D [--accountant ...]
// Exit codes: 0 success, 2 bad input (the message names the option and its range), 1 failure.
// No MPI and no Kokkos: the accountants are host arithmetic (libsaddle links MPI; it is never
// initialized here).
#include "saddle/privacy/privacy_cli.hpp"

#include <cstdio>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  try {
    return saddle::runPrivacyCli(argc, argv, std::cout, std::cerr);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "saddle-privacy: runtime failure: %s\n", e.what());
    return 1;
  }
}
