// Unit tests of data/: the synthetic generator, the train/test split, the iid silo partition,
// the silo -> rank block map, and load() on one rank (standardization, row norms, layout).
#include "saddle/core/error.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/data/partition.hpp"
#include "saddle/data/synthetic.hpp"

#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

using saddle::data::Table;

saddle::DataConfig syntheticConfig(double bias, std::int64_t n_groups = 2) {
  saddle::DataConfig config;
  config.n_features = 5;
  config.n_groups = n_groups;
  config.bias = bias;
  return config;
}

/// P(y = 1 | g = first) - P(y = 1 | g = last) over a table.
double labelGap(Table const& table) {
  std::vector<double> positives(static_cast<std::size_t>(table.n_groups), 0.0);
  std::vector<double> counts(positives.size(), 0.0);
  for (std::int64_t i = 0; i < table.rows(); ++i) {
    auto const g = static_cast<std::size_t>(table.group[static_cast<std::size_t>(i)]);
    positives[g] += table.y[static_cast<std::size_t>(i)];
    counts[g] += 1.0;
  }
  return positives.front() / counts.front() - positives.back() / counts.back();
}

TEST(SyntheticData, RowsArePureFunctionsOfSeedAndRowId) {
  auto const config = syntheticConfig(1.0);
  Table const a = saddle::data::generateSynthetic(config, 7, 0, 100);
  Table const b = saddle::data::generateSynthetic(config, 7, 50, 150);
  ASSERT_EQ(a.rows(), 100);
  ASSERT_EQ(b.rows(), 100);
  auto const d = static_cast<std::size_t>(config.n_features);
  for (std::size_t i = 50; i < 100; ++i) {
    std::size_t const k = i - 50;
    EXPECT_EQ(a.row_id[i], b.row_id[k]);
    EXPECT_EQ(a.y[i], b.y[k]);
    EXPECT_EQ(a.group[i], b.group[k]);
    for (std::size_t j = 0; j < d; ++j)
      EXPECT_EQ(a.x[i * d + j], b.x[k * d + j]); // bitwise: same draws, same operations
  }
  // Any order of row ids gives the same rows.
  std::vector<std::int64_t> ids = {99, 3, 42, 3, 0};
  Table const c = saddle::data::generateSyntheticRows(config, 7, ids);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto const r = static_cast<std::size_t>(ids[i]);
    EXPECT_EQ(c.row_id[i], ids[i]);
    EXPECT_EQ(c.y[i], a.y[r]);
    EXPECT_EQ(c.group[i], a.group[r]);
    for (std::size_t j = 0; j < d; ++j)
      EXPECT_EQ(c.x[i * d + j], a.x[r * d + j]);
  }
}

TEST(SyntheticData, ShapeNamesAndSeeds) {
  auto const config = syntheticConfig(1.0, 3);
  Table const a = saddle::data::generateSynthetic(config, 1, 0, 200);
  Table const b = saddle::data::generateSynthetic(config, 2, 0, 200);
  EXPECT_EQ(a.n_features, 5);
  EXPECT_EQ(a.n_groups, 3);
  EXPECT_EQ(a.x.size(), 200u * 5u);
  EXPECT_EQ(a.feature_names, (std::vector<std::string>{"x0", "x1", "x2", "x3", "x4"}));
  std::size_t same = 0;
  for (std::size_t k = 0; k < a.x.size(); ++k)
    same += a.x[k] == b.x[k] ? 1 : 0;
  EXPECT_EQ(same, 0u); // continuous draws of independent streams never coincide
  for (int const g : a.group) {
    EXPECT_GE(g, 0);
    EXPECT_LT(g, 3);
  }
  for (double const y : a.y)
    EXPECT_TRUE(y == 0.0 || y == 1.0);
  EXPECT_THROW(saddle::data::generateSynthetic(syntheticConfig(1.0, 0), 1, 0, 10),
               saddle::InputError);
}

// n = 20000, two groups of ~10000: the standard error of a difference of two rates near 0.5
// is sqrt(2 * 0.25 / 10000) ~ 0.007, so |gap| < 0.03 is a > 4-sigma bound for bias 0. For
// bias 1 the model (see synthetic.hpp) gives a gap of ~0.5, far above 0.2.
TEST(SyntheticData, GroupBiasControlsTheLabelGap) {
  Table const fair = saddle::data::generateSynthetic(syntheticConfig(0.0), 11, 0, 20000);
  Table const biased = saddle::data::generateSynthetic(syntheticConfig(1.0), 11, 0, 20000);
  EXPECT_LT(std::abs(labelGap(fair)), 0.03);
  EXPECT_GT(labelGap(biased), 0.2);
  // The groups are uniform: share of group 0 within 5 sigma (sigma = 0.0035).
  auto const ones = std::count(biased.group.begin(), biased.group.end(), 1);
  EXPECT_NEAR(static_cast<double>(ones) / 20000.0, 0.5, 0.018);
  // Three groups: the favoured group 0 and the disadvantaged group 2 stay apart.
  Table const three = saddle::data::generateSynthetic(syntheticConfig(1.0, 3), 11, 0, 20000);
  EXPECT_GT(labelGap(three), 0.2);
}

// 100000 Bernoulli(0.25) draws: sigma of the fraction is sqrt(0.25 * 0.75 / 1e5) = 0.00137;
// tolerance 5 sigma = 0.0069.
TEST(Split, TestFractionIsRespected) {
  std::int64_t n_test = 0;
  for (std::int64_t r = 0; r < 100000; ++r)
    n_test += saddle::data::isTestRow(5, r, 0.25) ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(n_test) / 1e5, 0.25, 0.0069);
  EXPECT_FALSE(saddle::data::isTestRow(5, 17, 0.0));
  EXPECT_EQ(saddle::data::isTestRow(5, 17, 0.25), saddle::data::isTestRow(5, 17, 0.25));
}

TEST(Partition, IidSilosCoverEveryRowOnceWithBalancedSizes) {
  std::vector<std::int64_t> ids;
  for (std::int64_t r = 0; r < 1003; r += 1)
    ids.push_back(3 * r + 1);
  auto const silo = saddle::data::iidSilos(ids, 7, 99);
  ASSERT_EQ(silo.size(), ids.size());
  std::vector<std::int64_t> sizes(7, 0);
  for (auto const s : silo) {
    ASSERT_GE(s, 0);
    ASSERT_LT(s, 7);
    ++sizes[static_cast<std::size_t>(s)];
  }
  // 1003 = 7 * 143 + 2: the first two silos get one more row.
  EXPECT_EQ(sizes, (std::vector<std::int64_t>{144, 144, 143, 143, 143, 143, 143}));
  EXPECT_EQ(saddle::data::iidSilos(ids, 7, 99), silo); // deterministic
  EXPECT_NE(saddle::data::iidSilos(ids, 7, 100), silo);
  // Independent of the input order.
  std::vector<std::size_t> perm(ids.size());
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  std::shuffle(perm.begin(), perm.end(), std::mt19937(3));
  std::vector<std::int64_t> shuffled(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    shuffled[i] = ids[perm[i]];
  auto const silo_shuffled = saddle::data::iidSilos(shuffled, 7, 99);
  for (std::size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(silo_shuffled[i], silo[perm[i]]);
  EXPECT_TRUE(saddle::data::iidSilos({}, 3, 1).empty());
  EXPECT_THROW(saddle::data::iidSilos(ids, 0, 1), saddle::InputError);
}

TEST(Partition, BlockMapCoversSilosAndAllowsEmptyRanks) {
  std::int64_t next = 0;
  std::vector<std::int64_t> counts;
  for (int rank = 0; rank < 4; ++rank) {
    auto const p = saddle::data::SiloPartition::block(3, rank, 4);
    EXPECT_EQ(p.n_global, 3);
    EXPECT_EQ(p.begin, next);
    next = p.end;
    counts.push_back(p.count());
  }
  EXPECT_EQ(next, 3);
  EXPECT_EQ(counts, (std::vector<std::int64_t>{1, 1, 1, 0}));
}

// ---- load() on one rank ------------------------------------------------------------------

saddle::Deck syntheticDeck(std::int64_t n_samples, std::int64_t silos) {
  saddle::Deck deck;
  deck.data.source = "synthetic";
  deck.data.n_samples = n_samples;
  deck.data.n_features = 6;
  deck.data.n_groups = 2;
  deck.data.bias = 1.0;
  deck.data.test_fraction = 0.25;
  deck.silos.count = silos;
  deck.run.seed = 424242;
  return deck;
}

template <class View> auto onHost(View const& v) {
  return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, v);
}

/// The expected (silo-major, then ascending row id) row ids of one split on one rank.
std::vector<std::int64_t> expectedRows(saddle::Deck const& deck, bool test) {
  std::vector<std::int64_t> ids;
  for (std::int64_t r = 0; r < deck.data.n_samples; ++r)
    if (saddle::data::isTestRow(deck.run.seed, r, deck.data.test_fraction) == test)
      ids.push_back(r);
  auto const silo = saddle::data::iidSilos(ids, deck.silos.count, deck.run.seed);
  std::vector<std::int64_t> order;
  for (std::int64_t s = 0; s < deck.silos.count; ++s)
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (silo[i] == s)
        order.push_back(ids[i]);
  return order;
}

void checkSplit(saddle::Deck const& deck, saddle::data::FederatedData const& data, bool test) {
  auto const& split = test ? data.test : data.train;
  auto const expected = expectedRows(deck, test);
  ASSERT_EQ(split.rows(), static_cast<std::int64_t>(expected.size()));
  std::vector<std::int64_t> all_silos(static_cast<std::size_t>(deck.silos.count));
  std::iota(all_silos.begin(), all_silos.end(), std::int64_t{0});
  EXPECT_EQ(split.silo_ids, all_silos);
  ASSERT_EQ(split.silo_offset.size(), all_silos.size() + 1);
  EXPECT_EQ(split.silo_offset.front(), 0);
  EXPECT_EQ(split.silo_offset.back(), split.rows());
  auto const x = onHost(split.x);
  auto const y = onHost(split.y);
  auto const group = onHost(split.group);
  auto const row_id = onHost(split.row_id);
  auto const row_norm = onHost(split.row_norm);
  Table const raw = saddle::data::generateSyntheticRows(deck.data, deck.run.seed, expected);
  auto const d = data.info.n_features;
  for (std::int64_t i = 0; i < split.rows(); ++i) {
    auto const ui = static_cast<std::size_t>(i);
    ASSERT_EQ(row_id(i), expected[ui]);
    EXPECT_EQ(y(i), raw.y[ui]);
    EXPECT_EQ(group(i), raw.group[ui]);
    double sq = 1.0;
    for (std::int64_t j = 0; j < d; ++j) {
      auto const uj = static_cast<std::size_t>(j);
      EXPECT_EQ(x(i, j), (raw.x[ui * static_cast<std::size_t>(d) + uj] - data.info.mean[uj]) /
                             data.info.scale[uj]);
      sq += x(i, j) * x(i, j);
    }
    EXPECT_EQ(row_norm(i), std::sqrt(sq));
  }
}

TEST(Load, SyntheticOnOneRank) {
  auto const deck = syntheticDeck(2000, 4);
  auto const data = saddle::data::load(deck, saddle::mpi::Comm::self());
  auto const& info = data.info;
  EXPECT_EQ(info.n_features, 6);
  EXPECT_EQ(info.n_groups, 2);
  EXPECT_EQ(info.n_train + info.n_test, 2000);
  EXPECT_EQ(info.n_train, data.train.rows());
  EXPECT_EQ(info.description, "synthetic: 2000 rows, 6 features, 2 groups, bias 1");
  EXPECT_EQ(data.silos.begin, 0);
  EXPECT_EQ(data.silos.end, 4);
  ASSERT_EQ(info.train_silo_counts.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k)
    EXPECT_EQ(info.train_silo_counts[k], data.train.silo_offset[k + 1] - data.train.silo_offset[k]);
  ASSERT_EQ(info.train_group_counts.size(), 2u);
  auto const group = onHost(data.train.group);
  EXPECT_EQ(info.train_group_counts[1], std::count(group.data(), group.data() + group.size(), 1));
  EXPECT_EQ(info.train_group_counts[0] + info.train_group_counts[1], info.n_train);
  checkSplit(deck, data, false);
  checkSplit(deck, data, true);
  // Standardized training columns: mean 0 and population std 1. ~1500 rows of magnitude
  // ~3 at most: accumulated rounding is ~1500 * 3 * eps ~ 1e-12 in the worst case.
  auto const x = onHost(data.train.x);
  for (std::int64_t j = 0; j < info.n_features; ++j) {
    double sum = 0.0, sq = 0.0;
    for (std::int64_t i = 0; i < data.train.rows(); ++i)
      sum += x(i, j);
    double const mean = sum / static_cast<double>(info.n_train);
    for (std::int64_t i = 0; i < data.train.rows(); ++i)
      sq += (x(i, j) - mean) * (x(i, j) - mean);
    EXPECT_NEAR(mean, 0.0, 1e-12);
    EXPECT_NEAR(std::sqrt(sq / static_cast<double>(info.n_train)), 1.0, 1e-12);
    EXPECT_GT(info.scale[static_cast<std::size_t>(j)], 0.5);
  }
}

TEST(Load, StandardizationOffKeepsRawFeatures) {
  auto deck = syntheticDeck(300, 2);
  deck.data.standardize = false;
  auto const data = saddle::data::load(deck, saddle::mpi::Comm::self());
  EXPECT_EQ(data.info.mean, std::vector<double>(6, 0.0));
  EXPECT_EQ(data.info.scale, std::vector<double>(6, 1.0));
  checkSplit(deck, data, false); // x == (raw - 0) / 1
}

TEST(Load, RejectsMoreSilosThanTrainingRows) {
  auto const deck = syntheticDeck(40, 50);
  try {
    saddle::data::load(deck, saddle::mpi::Comm::self());
    FAIL() << "expected an InputError";
  } catch (saddle::InputError const& e) {
    std::string const what = e.what();
    EXPECT_NE(what.find("silos.count = 50 exceeds the "), std::string::npos) << what;
    EXPECT_NE(what.find(" training rows"), std::string::npos) << what;
  }
}

TEST(Load, RejectsBadSourceAndMissingPath) {
  auto deck = syntheticDeck(100, 2);
  deck.data.source = "parquet";
  EXPECT_THROW(saddle::data::load(deck, saddle::mpi::Comm::self()), saddle::InputError);
  deck.data.source = "csv";
  EXPECT_THROW(saddle::data::load(deck, saddle::mpi::Comm::self()), saddle::InputError);
  deck.data.path = "no/such/file.csv";
  EXPECT_THROW(saddle::data::load(deck, saddle::mpi::Comm::self()), saddle::InputError);
}

} // namespace
