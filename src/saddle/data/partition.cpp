#include "saddle/data/partition.hpp"

#include "kernels/rng.hpp"
#include "saddle/core/error.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <queue>
#include <string>
#include <utility>

namespace saddle::data {

namespace {

/// Streams of Purpose::Partition, in the key's `round` field (iid uses 0 and stays so: its
/// assignment is stored implicitly in every existing checkpoint). Never renumber.
enum Stream : std::uint64_t {
  kIid = 0,
  kDirichletDeal = 1, ///< order of the rows of one label before they are cut by the shares
  kOwnPick = 2,       ///< group / quantile: which rows of a block a silo keeps
  kPoolDeal = 3,      ///< group / quantile: order of the pool before it is dealt
  kGamma = 16         ///< dirichlet shares: round = kGamma + label, silo = silo, index = trial
};

std::string const kWhere = "saddle::data::partition: ";

std::string formatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

void requireSilos(std::int64_t n_silos) {
  if (n_silos < 1)
    throw InputError(kWhere + "silos.count = " + std::to_string(n_silos) +
                     " is invalid (must be >= 1)");
}

void requireHeterogeneity(double h) {
  if (!(h >= 0.0 && h <= 1.0))
    throw InputError(kWhere + "silos.heterogeneity = " + formatNumber(h) +
                     " is invalid (must be in [0, 1])");
}

template <class T>
void requireParallel(std::vector<std::int64_t> const& row_ids, std::vector<T> const& values,
                     char const* what) {
  SADDLE_REQUIRE(values.size() == row_ids.size(),
                 std::string("saddle::data::partition: ") + what + " must parallel row_ids");
}

/// Entries `subset` (indices into `row_ids`) in the random order of `stream`: sorted by a
/// counter-based key of (seed, stream, row id), ties by row id. Depends only on the set.
std::vector<std::size_t> randomOrder(std::vector<std::size_t> const& subset,
                                     std::vector<std::int64_t> const& row_ids, std::uint64_t seed,
                                     Stream stream) {
  rng::Key const key{seed, rng::Purpose::Partition, 0, stream};
  struct Entry {
    std::uint64_t key;
    std::int64_t row_id;
    std::size_t index;
  };
  std::vector<Entry> entries;
  entries.reserve(subset.size());
  for (std::size_t const i : subset)
    entries.push_back({rng::bits(key, static_cast<std::uint64_t>(row_ids[i]))[0], row_ids[i], i});
  std::sort(entries.begin(), entries.end(), [](Entry const& a, Entry const& b) {
    return a.key != b.key ? a.key < b.key : a.row_id < b.row_id;
  });
  std::vector<std::size_t> order;
  order.reserve(entries.size());
  for (auto const& e : entries)
    order.push_back(e.index);
  return order;
}

/// The iid block sizes: n rows into n_silos blocks, the first n % n_silos one larger.
std::vector<std::int64_t> balancedSizes(std::int64_t n, std::int64_t n_silos) {
  std::int64_t const q = n / n_silos, r = n % n_silos;
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(n_silos));
  for (std::int64_t k = 0; k < n_silos; ++k)
    sizes[static_cast<std::size_t>(k)] = q + (k < r ? 1 : 0);
  return sizes;
}

/// Deal `order` (entry indices) to silos in contiguous runs: silo k takes the next sizes[k].
void dealRuns(std::vector<std::size_t> const& order, std::vector<std::int64_t> const& sizes,
              std::vector<std::int64_t>& silo) {
  std::size_t position = 0;
  for (std::size_t k = 0; k < sizes.size(); ++k)
    for (std::int64_t i = 0; i < sizes[k]; ++i)
      silo[order[position++]] = static_cast<std::int64_t>(k);
}

/// Give every empty silo one row while there are at least n_silos rows: repeatedly the row with
/// the largest id of the currently largest silo (ties: lowest silo) moves to the lowest empty
/// silo. Pure function of the (row id, silo) pairs.
void fillEmptySilos(std::vector<std::int64_t> const& row_ids, std::int64_t n_silos,
                    std::vector<std::int64_t>& silo) {
  auto const K = static_cast<std::size_t>(n_silos);
  std::vector<std::vector<std::size_t>> members(K); // ascending row id
  for (std::size_t i = 0; i < silo.size(); ++i)
    members[static_cast<std::size_t>(silo[i])].push_back(i);
  std::priority_queue<std::pair<std::size_t, std::int64_t>> largest; // (size, -silo)
  for (std::size_t k = 0; k < K; ++k) {
    std::sort(members[k].begin(), members[k].end(),
              [&](std::size_t a, std::size_t b) { return row_ids[a] < row_ids[b]; });
    largest.push({members[k].size(), -static_cast<std::int64_t>(k)});
  }
  for (std::size_t k = 0; k < K; ++k) {
    if (!members[k].empty())
      continue;
    auto const [size, minus_from] = largest.top();
    if (size < 2)
      return; // fewer rows than silos: nothing can move without emptying another silo
    largest.pop();
    auto const from = static_cast<std::size_t>(-minus_from);
    std::size_t const moved = members[from].back();
    members[from].pop_back();
    members[k].push_back(moved);
    silo[moved] = static_cast<std::int64_t>(k);
    largest.push({size - 1, minus_from});
  }
}

/// Standard normal from two words (Box-Muller), as rng::normal does.
double normalOf(std::uint64_t w0, std::uint64_t w1) {
  double const u1 = rng::toUnitClosed(w0);
  double const u2 = rng::toUnitOpen(w1);
  constexpr double two_pi = 6.283185307179586476925286766559;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(two_pi * u2);
}

/// log of a Gamma(a, 1) variate from the stream `key` (indices 0, 1, ...: trials; the last
/// index: the boost uniform). Marsaglia & Tsang (2000): for shape b >= 1, d = b - 1/3,
/// c = 1 / sqrt(9 d), x ~ N(0,1), v = (1 + c x)^3, accept d v when
/// log U < x^2 / 2 + d - d v + d log v. For a < 1: Gamma(a) = Gamma(a + 1) * U^(1/a).
double logGamma(rng::Key const& key, double a) {
  double const shape = a < 1.0 ? a + 1.0 : a;
  double const d = shape - 1.0 / 3.0;
  double const c = 1.0 / std::sqrt(9.0 * d);
  constexpr std::uint64_t kMaxTrials = 1000; // acceptance >= 95 %: never reached in practice
  for (std::uint64_t trial = 0; trial < kMaxTrials; ++trial) {
    auto const r = rng::bits(key, trial);
    double const x = normalOf(r[0], r[1]);
    double const t = 1.0 + c * x;
    if (t <= 0.0)
      continue;
    double const v = t * t * t;
    if (std::log(rng::toUnitClosed(r[2])) < 0.5 * x * x + d - d * v + d * std::log(v)) {
      double log_g = std::log(d * v);
      if (a < 1.0)
        log_g += std::log(rng::toUnitClosed(rng::bits(key, kMaxTrials)[0])) / a;
      return log_g;
    }
  }
  throw Error(kWhere + "Gamma sampler did not accept in " + std::to_string(kMaxTrials) +
              " trials (alpha = " + formatNumber(a) + ")");
}

} // namespace

std::vector<std::int64_t> iidSilos(std::vector<std::int64_t> const& row_ids, std::int64_t n_silos,
                                   std::uint64_t seed) {
  if (n_silos < 1)
    throw InputError("saddle::data::iidSilos: n_silos = " + std::to_string(n_silos) +
                     " is invalid (must be >= 1)");
  // Key every row by a counter-based draw of (seed, row id); the order of (key, row id) is a
  // random permutation that depends only on the set of row ids, never on their input order.
  rng::Key const key{seed, rng::Purpose::Partition, 0, kIid};
  std::size_t const n = row_ids.size();
  std::vector<std::uint64_t> keys(n);
  for (std::size_t i = 0; i < n; ++i)
    keys[i] = rng::bits(key, static_cast<std::uint64_t>(row_ids[i]))[0];
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return keys[a] != keys[b] ? keys[a] < keys[b] : row_ids[a] < row_ids[b];
  });
  // Cut the sorted order into n_silos blocks; the first n % n_silos blocks get one more row.
  std::vector<std::int64_t> silo(n);
  dealRuns(order, balancedSizes(static_cast<std::int64_t>(n), n_silos), silo);
  return silo;
}

std::vector<double> dirichletShares(int label, std::int64_t n_silos, double alpha,
                                    std::uint64_t seed) {
  requireSilos(n_silos);
  if (!(alpha > 0.0) || !std::isfinite(alpha))
    throw InputError(kWhere + "silos.alpha = " + formatNumber(alpha) +
                     " is invalid (must be > 0 and finite)");
  SADDLE_REQUIRE(label >= 0, "saddle::data::dirichletShares: label must be >= 0");
  auto const K = static_cast<std::size_t>(n_silos);
  std::vector<double> log_g(K);
  for (std::size_t k = 0; k < K; ++k) {
    rng::Key const key{seed, rng::Purpose::Partition, k,
                       kGamma + static_cast<std::uint64_t>(label)};
    log_g[k] = logGamma(key, alpha);
  }
  // p_k = g_k / sum_j g_j, computed as exp(log g_k - max) / sum_j exp(log g_j - max).
  double const top = *std::max_element(log_g.begin(), log_g.end());
  double total = 0.0;
  for (double& v : log_g) {
    v = std::exp(v - top);
    total += v;
  }
  for (double& v : log_g)
    v /= total;
  return log_g;
}

std::vector<std::int64_t> dirichletSilos(std::vector<std::int64_t> const& row_ids,
                                         std::vector<int> const& labels, std::int64_t n_silos,
                                         double alpha, std::uint64_t seed) {
  requireSilos(n_silos);
  requireParallel(row_ids, labels, "labels");
  std::vector<int> values(labels);
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::vector<std::int64_t> silo(row_ids.size(), 0);
  for (int const c : values) {
    if (c < 0)
      throw InputError(kWhere + "silos.partition = 'dirichlet' needs labels >= 0 (found " +
                       std::to_string(c) + ")");
    std::vector<std::size_t> subset;
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == c)
        subset.push_back(i);
    auto const order = randomOrder(subset, row_ids, seed, kDirichletDeal);
    auto const shares = dirichletShares(c, n_silos, alpha, seed);
    // Silo k takes the run [round(n_c C_{k-1}), round(n_c C_k)) of the random order, with
    // C_k the cumulative share (C_K = 1 exactly).
    auto const n_c = static_cast<double>(order.size());
    std::vector<std::int64_t> sizes(shares.size());
    double cumulative = 0.0;
    std::int64_t previous = 0;
    for (std::size_t k = 0; k < shares.size(); ++k) {
      cumulative += shares[k];
      std::int64_t end = k + 1 == shares.size() ? static_cast<std::int64_t>(order.size())
                                                : std::llround(n_c * std::min(cumulative, 1.0));
      end = std::max(end, previous);
      sizes[k] = end - previous;
      previous = end;
    }
    dealRuns(order, sizes, silo);
  }
  fillEmptySilos(row_ids, n_silos, silo);
  return silo;
}

std::vector<std::int64_t> groupSilos(std::vector<std::int64_t> const& row_ids,
                                     std::vector<int> const& groups, std::int64_t n_groups,
                                     std::int64_t n_silos, double heterogeneity,
                                     std::uint64_t seed) {
  requireSilos(n_silos);
  requireHeterogeneity(heterogeneity);
  requireParallel(row_ids, groups, "groups");
  SADDLE_REQUIRE(n_groups >= 1, "saddle::data::groupSilos: n_groups must be >= 1");
  auto const sizes = balancedSizes(static_cast<std::int64_t>(row_ids.size()), n_silos);
  std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(n_groups));
  for (std::size_t i = 0; i < groups.size(); ++i) {
    SADDLE_REQUIRE(groups[i] >= 0 && groups[i] < n_groups,
                   "saddle::data::groupSilos: group out of range");
    members[static_cast<std::size_t>(groups[i])].push_back(i);
  }
  std::vector<std::int64_t> silo(row_ids.size(), -1);
  std::vector<std::int64_t> own(sizes.size(), 0);
  for (std::int64_t g = 0; g < std::min(n_groups, n_silos); ++g) {
    // Silos g, g + G, g + 2G, ... want round(h n_k) rows of group g each; a group with fewer
    // rows than that is shared as evenly as possible (never more than a silo wants).
    std::vector<std::int64_t> mine, want;
    std::int64_t demand = 0;
    for (std::int64_t k = g; k < n_silos; k += n_groups) {
      mine.push_back(k);
      want.push_back(std::llround(heterogeneity * static_cast<double>(sizes[k])));
      demand += want.back();
    }
    auto const supply = static_cast<std::int64_t>(members[static_cast<std::size_t>(g)].size());
    if (demand > supply)
      want = balancedSizes(supply, static_cast<std::int64_t>(mine.size()));
    auto const order = randomOrder(members[static_cast<std::size_t>(g)], row_ids, seed, kOwnPick);
    std::size_t position = 0;
    for (std::size_t m = 0; m < mine.size(); ++m) {
      for (std::int64_t i = 0; i < want[m]; ++i)
        silo[order[position++]] = mine[m];
      own[static_cast<std::size_t>(mine[m])] = want[m];
    }
  }
  std::vector<std::size_t> pool;
  for (std::size_t i = 0; i < silo.size(); ++i)
    if (silo[i] < 0)
      pool.push_back(i);
  std::vector<std::int64_t> rest(sizes.size());
  for (std::size_t k = 0; k < sizes.size(); ++k)
    rest[k] = sizes[k] - own[k];
  dealRuns(randomOrder(pool, row_ids, seed, kPoolDeal), rest, silo);
  return silo;
}

std::vector<std::int64_t> quantileSilos(std::vector<std::int64_t> const& row_ids,
                                        std::vector<double> const& values, std::int64_t n_silos,
                                        double heterogeneity, std::uint64_t seed) {
  requireSilos(n_silos);
  requireHeterogeneity(heterogeneity);
  requireParallel(row_ids, values, "values");
  for (std::size_t i = 0; i < values.size(); ++i)
    if (std::isnan(values[i]))
      throw InputError(kWhere + "silos.partition = 'quantile': the feature of row " +
                       std::to_string(row_ids[i]) + " is NaN");
  std::vector<std::size_t> by_value(row_ids.size());
  std::iota(by_value.begin(), by_value.end(), std::size_t{0});
  std::sort(by_value.begin(), by_value.end(), [&](std::size_t a, std::size_t b) {
    return values[a] != values[b] ? values[a] < values[b] : row_ids[a] < row_ids[b];
  });
  auto const sizes = balancedSizes(static_cast<std::int64_t>(row_ids.size()), n_silos);
  std::vector<std::int64_t> silo(row_ids.size(), -1);
  std::vector<std::int64_t> rest(sizes.size());
  std::vector<std::size_t> pool;
  auto block_begin = by_value.begin();
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    // Block k of the sorted rows: silo k keeps round(h n_k) of them, chosen at random.
    std::vector<std::size_t> const block(block_begin, block_begin + sizes[k]);
    block_begin += sizes[k];
    auto const keep = std::llround(heterogeneity * static_cast<double>(sizes[k]));
    auto const order = randomOrder(block, row_ids, seed, kOwnPick);
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (static_cast<std::int64_t>(i) < keep)
        silo[order[i]] = static_cast<std::int64_t>(k);
      else
        pool.push_back(order[i]);
    }
    rest[k] = sizes[k] - keep;
  }
  dealRuns(randomOrder(pool, row_ids, seed, kPoolDeal), rest, silo);
  return silo;
}

std::vector<std::int64_t> assignSilos(PartitionSpec const& spec, SplitRows const& rows) {
  if (spec.scheme == "iid")
    return iidSilos(rows.row_ids, spec.n_silos, spec.seed);
  if (spec.scheme == "dirichlet")
    return dirichletSilos(rows.row_ids, rows.labels, spec.n_silos, spec.alpha, spec.seed);
  if (spec.scheme == "group")
    return groupSilos(rows.row_ids, rows.groups, rows.n_groups, spec.n_silos, spec.heterogeneity,
                      spec.seed);
  if (spec.scheme == "quantile")
    return quantileSilos(rows.row_ids, rows.values, spec.n_silos, spec.heterogeneity, spec.seed);
  throw InputError(kWhere + "silos.partition = '" + spec.scheme +
                   "' is invalid (allowed: 'iid', 'dirichlet', 'group', 'quantile')");
}

} // namespace saddle::data
