#pragma once
// Shared helpers of saddle's tests.
#include "saddle/core/deck.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace saddle::test {

/// A small synthetic, constrained, private deck built in code (no parser involved).
Deck smallDeck(std::int64_t silos = 4, std::int64_t rounds = 20);

/// Host vector from a rank-1 View, and a device View from a host vector.
template <class ViewType> std::vector<typename ViewType::non_const_value_type> toHost(ViewType v) {
  auto const h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, v);
  return std::vector<typename ViewType::non_const_value_type>(h.data(), h.data() + h.extent(0));
}
template <class T, class Space>
Kokkos::View<T*, typename Space::memory_space> toDevice(std::vector<T> const& v,
                                                        std::string const& label = "test") {
  Kokkos::View<T*, typename Space::memory_space> out(label, v.size());
  auto h = Kokkos::create_mirror_view(out);
  for (std::size_t i = 0; i < v.size(); ++i)
    h(i) = v[i];
  Kokkos::deep_copy(out, h);
  return out;
}

/// Run a shell command; returns its exit status (0..255) and its stdout+stderr in `output`.
int runCommand(std::string const& command, std::string& output);

/// key,value CSV (summary.csv) into a map.
std::map<std::string, double> readKeyValueCsv(std::string const& path);

/// A fresh empty folder under the test temp dir.
std::string freshDir(std::string const& name);

/// Every regular file under `dir` (recursively) with its size and modification time: equal
/// snapshots before and after a failed run mean nothing already written was touched.
std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>>
fileSnapshot(std::string const& dir);

} // namespace saddle::test
