// Uses an installed saddle: a deck parsed from text, and a kernel from saddle::kernels.
#include "kernels/clip.hpp"
#include "saddle/core/comm.hpp"
#include "saddle/core/deck.hpp"

#include <Kokkos_Core.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  saddle::mpi::Environment mpi(argc, argv);
  Kokkos::ScopeGuard kokkos(argc, argv);
  auto const deck = saddle::Deck::fromText("[run]\nrounds = 3\n", "consumer");
  double const f = saddle::kernels::clipFactor(4.0, 1.0);
  std::printf("rounds=%lld keys=%zu factor=%g\n", static_cast<long long>(deck.run.rounds),
              saddle::Deck::keys().size(), f);
  return deck.run.rounds == 3 && f == 0.25 ? 0 : 1;
}
