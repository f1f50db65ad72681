#include "saddle/privacy/secure_sampler.hpp"

#include "kernels/compat.hpp"
#include "saddle/core/error.hpp"
#include "saddle/core/log.hpp"

#include <cmath>
#include <sodium.h>
#include <vector>

namespace saddle {

SecurePoissonSampler::SecurePoissonSampler(double rate) : _rate(rate) {
  if (sodium_init() < 0)
    throw Error("saddle::SecurePoissonSampler: libsodium could not be initialized");
  // P(word < threshold) = threshold / 2^64 = q (q = 1: every record)
  _threshold = rate >= 1.0 ? UINT64_MAX : static_cast<std::uint64_t>(std::ldexp(rate, 64));
}

void SecurePoissonSampler::draw(ExecSpace const& space, data::SiloData const& data, std::size_t k,
                                std::int64_t, BatchScratch& batch) {
  std::int64_t const begin = data.silo_offset[k], end = data.silo_offset[k + 1];
  std::vector<std::uint64_t> words(static_cast<std::size_t>(end - begin));
  randombytes_buf(words.data(), words.size() * sizeof(std::uint64_t));
  auto host = Kokkos::create_mirror_view(batch.idx);
  std::int64_t m = 0;
  for (std::int64_t r = begin; r < end; ++r)
    if (_rate >= 1.0 || words[static_cast<std::size_t>(r - begin)] < _threshold)
      host(m++) = r;
  Kokkos::deep_copy(space, Kokkos::subview(batch.idx, std::make_pair<std::int64_t>(0, m)),
                    Kokkos::subview(host, std::make_pair<std::int64_t>(0, m)));
  compat::fence(space, "saddle::SecurePoissonSampler::draw: host batch copied");
  batch.size = m;
}

std::string SecurePoissonSampler::describe() const {
  return log::format("Poisson sampling q = %g per silo from a CSPRNG (secure mode, not "
                     "reproducible)",
                     _rate);
}

} // namespace saddle
