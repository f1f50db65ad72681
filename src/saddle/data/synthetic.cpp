#include "saddle/data/synthetic.hpp"

#include "kernels/rng.hpp"
#include "saddle/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace saddle::data {

namespace {

/// The 64-bit words of one row, in draw order: word k is bits(key, row_id, k / 4)[k % 4], so
/// every (row, draw) pair has its own Philox counter and rows never share random numbers.
class RowWords {
public:
  RowWords(rng::Key const& key, std::int64_t row_id)
      : _key(key), _row(static_cast<std::uint64_t>(row_id)) {}

  std::uint64_t next() {
    if (_k % 4 == 0)
      _block = rng::bits(_key, _row, _k / 4);
    return _block[static_cast<unsigned>(_k++ % 4)];
  }

private:
  rng::Key _key;
  std::uint64_t _row;
  std::uint64_t _k = 0;
  r123::Philox4x64::ctr_type _block{};
};

/// Uniform in the open interval (0, 1): never 0 or 1, so logs below stay finite.
double unitOpenOpen(std::uint64_t w) {
  return (static_cast<double>(w >> 11) + 0.5) * 0x1.0p-53;
}

void checkConfig(DataConfig const& config, std::int64_t row_begin, std::int64_t row_end) {
  std::string const where = "saddle::data::generateSynthetic: ";
  if (config.n_features < 1)
    throw InputError(where + "data.n_features = " + std::to_string(config.n_features) +
                     " is invalid (must be >= 1)");
  if (config.n_groups < 1)
    throw InputError(where + "data.n_groups = " + std::to_string(config.n_groups) +
                     " is invalid (must be >= 1)");
  if (row_begin < 0 || row_end < row_begin)
    throw InputError(where + "row range [" + std::to_string(row_begin) + ", " +
                     std::to_string(row_end) + ") is invalid");
}

Table emptyTable(DataConfig const& config, std::size_t rows) {
  Table table;
  table.n_features = config.n_features;
  table.n_groups = config.n_groups;
  table.x.reserve(rows * static_cast<std::size_t>(config.n_features));
  table.y.reserve(rows);
  table.group.reserve(rows);
  table.row_id.reserve(rows);
  for (std::int64_t j = 0; j < config.n_features; ++j)
    table.feature_names.push_back("x" + std::to_string(j));
  return table;
}

/// Append global row `row_id` to `table` (see generateSynthetic for the model).
void appendRow(DataConfig const& config, rng::Key const& key, std::int64_t row_id, Table& table) {
  std::int64_t const d = config.n_features;
  std::int64_t const k = config.n_groups;
  RowWords words(key, row_id);
  double const u_group = rng::toUnitOpen(words.next());
  double const u_noise = unitOpenOpen(words.next());
  int const g =
      static_cast<int>(std::min<std::int64_t>(static_cast<std::int64_t>(u_group * k), k - 1));
  double const offset = k > 1 ? 1.0 - 2.0 * g / static_cast<double>(k - 1) : 0.0;
  double const w_abs = 1.0 / std::sqrt(static_cast<double>(d));
  double score = config.bias * offset + std::log(u_noise / (1.0 - u_noise));
  constexpr double two_pi = 6.283185307179586476925286766559;
  for (std::int64_t j = 0; j < d; j += 2) {
    // Box-Muller: one pair of uniforms gives two independent normals z_j, z_{j+1}.
    double const radius = std::sqrt(-2.0 * std::log(rng::toUnitClosed(words.next())));
    double const angle = two_pi * rng::toUnitOpen(words.next());
    for (std::int64_t jj = j; jj < std::min(j + 2, d); ++jj) {
      double x = radius * (jj == j ? std::cos(angle) : std::sin(angle));
      if (jj == 0)
        x += config.bias * offset;
      score += (jj % 2 == 0 ? w_abs : -w_abs) * x;
      table.x.push_back(x);
    }
  }
  table.y.push_back(score > 0.0 ? 1.0 : 0.0);
  table.group.push_back(g);
  table.row_id.push_back(row_id);
}

} // namespace

Table generateSynthetic(DataConfig const& config, std::uint64_t seed, std::int64_t row_begin,
                        std::int64_t row_end) {
  checkConfig(config, row_begin, row_end);
  rng::Key const key{seed, rng::Purpose::DataRow, 0, 0};
  Table table = emptyTable(config, static_cast<std::size_t>(row_end - row_begin));
  for (std::int64_t r = row_begin; r < row_end; ++r)
    appendRow(config, key, r, table);
  return table;
}

Table generateSyntheticRows(DataConfig const& config, std::uint64_t seed,
                            std::vector<std::int64_t> const& row_ids) {
  checkConfig(config, 0, 0);
  rng::Key const key{seed, rng::Purpose::DataRow, 0, 0};
  Table table = emptyTable(config, row_ids.size());
  for (std::int64_t const r : row_ids) {
    if (r < 0)
      throw InputError("saddle::data::generateSyntheticRows: row id " + std::to_string(r) +
                       " is negative");
    appendRow(config, key, r, table);
  }
  return table;
}

} // namespace saddle::data
