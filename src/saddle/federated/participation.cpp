#include "saddle/federated/participation.hpp"

#include "saddle/core/error.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace saddle::federated {

Participation::Participation(std::uint64_t seed, std::int64_t n_silos, std::int64_t per_round)
    : _seed(seed), _n_silos(n_silos), _per_round(per_round == 0 ? n_silos : per_round) {
  if (n_silos < 1 || per_round < 0 || per_round > n_silos)
    throw InputError(
        "saddle::Participation: federated.participating = " + std::to_string(per_round) +
        " is not allowed (0 = all, or 1 .. silos.count = " + std::to_string(n_silos) + ")");
  _running.push_back(std::vector<std::int64_t>(static_cast<std::size_t>(n_silos), 0));
}

std::vector<std::int64_t> Participation::chosen(std::int64_t round) const {
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(_per_round));
  if (everyone()) {
    for (std::int64_t s = 0; s < _n_silos; ++s)
      out.push_back(s);
    return out;
  }
  // the M_avail smallest of u_s = uniform(seed, round; s): a uniformly random subset
  rng::Key const key{_seed, kParticipationPurpose, 0, static_cast<std::uint64_t>(round)};
  std::vector<std::pair<std::uint64_t, std::int64_t>> draws(static_cast<std::size_t>(_n_silos));
  for (std::int64_t s = 0; s < _n_silos; ++s)
    draws[static_cast<std::size_t>(s)] = {rng::bits(key, static_cast<std::uint64_t>(s))[0], s};
  auto const cut = draws.begin() + _per_round;
  std::nth_element(draws.begin(), cut - 1, draws.end());
  for (auto it = draws.begin(); it != cut; ++it)
    out.push_back(it->second);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<char> Participation::mask(std::int64_t round) const {
  std::vector<char> m(static_cast<std::size_t>(_n_silos), everyone() ? 1 : 0);
  if (!everyone())
    for (auto const s : chosen(round))
      m[static_cast<std::size_t>(s)] = 1;
  return m;
}

std::vector<std::int64_t> Participation::counts(std::int64_t rounds) const {
  if (everyone())
    return std::vector<std::int64_t>(static_cast<std::size_t>(_n_silos),
                                     std::max<std::int64_t>(rounds, 0));
  std::int64_t const block = std::max<std::int64_t>(rounds, 0) / kStride;
  while (static_cast<std::int64_t>(_running.size()) <= block) { // extend the running counts
    auto next = _running.back();
    std::int64_t const start = (static_cast<std::int64_t>(_running.size()) - 1) * kStride;
    for (std::int64_t t = start; t < start + kStride; ++t)
      for (auto const s : chosen(t))
        ++next[static_cast<std::size_t>(s)];
    _running.push_back(std::move(next));
  }
  auto out = _running[static_cast<std::size_t>(block)];
  for (std::int64_t t = block * kStride; t < rounds; ++t)
    for (auto const s : chosen(t))
      ++out[static_cast<std::size_t>(s)];
  return out;
}

} // namespace saddle::federated
