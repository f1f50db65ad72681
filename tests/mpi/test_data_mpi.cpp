// load() across ranks (run at np 1, 2, 4): every row lands in the silo that the pure
// functions assign, on exactly one rank, and the data a rank holds, the global counts and the
// standardization are those of a one-rank load, bit for bit (load sums per silo, so the result
// does not depend on the rank count). A rank may hold no silo at all (np 4, 3 silos).
#include "saddle/core/comm.hpp"
#include "saddle/core/error.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/data/partition.hpp"

#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using saddle::data::FederatedData;
using saddle::data::SiloData;

saddle::Deck syntheticDeck(std::int64_t silos) {
  saddle::Deck deck;
  deck.data.source = "synthetic";
  deck.data.n_samples = 3000;
  deck.data.n_features = 5;
  deck.data.n_groups = 3;
  deck.data.bias = 1.0;
  deck.data.test_fraction = 0.2;
  deck.silos.count = silos;
  deck.run.seed = 777;
  return deck;
}

saddle::Deck hmdaDeck(std::int64_t silos) {
  saddle::Deck deck;
  deck.data.source = "csv";
  deck.data.path = std::string(SADDLE_TEST_DATA_DIR) + "/hmda.csv";
  deck.silos.count = silos;
  deck.run.seed = 31;
  return deck;
}

/// Every (row id, silo) of one split, summed over ranks: entry r is 1 + silo of row r where
/// this rank holds row r. Checks the union over ranks against the pure functions.
void checkUnion(saddle::Deck const& deck, std::int64_t n_rows, SiloData const& split, bool test,
                saddle::mpi::Comm const& comm) {
  std::vector<std::int64_t> silo_plus_one(static_cast<std::size_t>(n_rows), 0);
  std::vector<std::int64_t> copies(static_cast<std::size_t>(n_rows), 0);
  auto const row_id = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, split.row_id);
  for (std::size_t k = 0; k < split.silo_ids.size(); ++k)
    for (auto i = split.silo_offset[k]; i < split.silo_offset[k + 1]; ++i) {
      auto const r = static_cast<std::size_t>(row_id(i));
      silo_plus_one[r] += split.silo_ids[k] + 1;
      copies[r] += 1;
    }
  comm.allreduceSum(silo_plus_one.data(), n_rows);
  comm.allreduceSum(copies.data(), n_rows);
  // The one-rank answer, from the pure functions.
  std::vector<std::int64_t> ids;
  for (std::int64_t r = 0; r < n_rows; ++r)
    if (saddle::data::isTestRow(deck.run.seed, r, deck.data.test_fraction) == test)
      ids.push_back(r);
  auto const silo = saddle::data::iidSilos(ids, deck.silos.count, deck.run.seed);
  std::vector<std::int64_t> expected(static_cast<std::size_t>(n_rows), 0);
  for (std::size_t i = 0; i < ids.size(); ++i)
    expected[static_cast<std::size_t>(ids[i])] = silo[i] + 1;
  EXPECT_EQ(silo_plus_one, expected);
  for (std::int64_t r = 0; r < n_rows; ++r)
    EXPECT_EQ(copies[static_cast<std::size_t>(r)], expected[static_cast<std::size_t>(r)] ? 1 : 0);
}

/// The rows a rank holds for each of its silos equal those of the same silo in `serial`.
void checkAgainstSerial(SiloData const& mine, SiloData const& serial) {
  auto const x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, mine.x);
  auto const y = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, mine.y);
  auto const id = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, mine.row_id);
  auto const norm = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, mine.row_norm);
  auto const sx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, serial.x);
  auto const sy = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, serial.y);
  auto const sid = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, serial.row_id);
  auto const snorm = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, serial.row_norm);
  ASSERT_EQ(mine.silo_offset.size(), mine.silo_ids.size() + 1);
  for (std::size_t k = 0; k < mine.silo_ids.size(); ++k) {
    auto const s = static_cast<std::size_t>(mine.silo_ids[k]);
    auto const begin = mine.silo_offset[k];
    auto const serial_begin = serial.silo_offset[s];
    ASSERT_EQ(mine.silo_offset[k + 1] - begin, serial.silo_offset[s + 1] - serial_begin);
    for (auto i = begin; i < mine.silo_offset[k + 1]; ++i) {
      auto const si = serial_begin + (i - begin);
      EXPECT_EQ(id(i), sid(si));
      EXPECT_EQ(y(i), sy(si));
      EXPECT_EQ(norm(i), snorm(si));
      for (std::size_t j = 0; j < x.extent(1); ++j)
        EXPECT_EQ(x(i, j), sx(si, j)); // bitwise: same rows, same mean and scale
    }
  }
}

/// Naive serial mean and population std of the raw training features, to a tolerance.
void checkStatistics(FederatedData const& serial) {
  auto const x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, serial.train.x);
  auto const& info = serial.info;
  for (std::size_t j = 0; j < x.extent(1); ++j) {
    double sum = 0.0, sq = 0.0;
    for (std::size_t i = 0; i < x.extent(0); ++i) {
      double const raw = x(i, j) * info.scale[j] + info.mean[j];
      sum += raw;
      sq += raw * raw;
    }
    double const n = static_cast<double>(info.n_train);
    double const mean = sum / n;
    // One-pass variance loses ~|mean|^2 / var * n * eps relative; 1e-9 is ample for these data.
    EXPECT_NEAR(info.mean[j], mean, 1e-9 * (1.0 + std::abs(mean)));
    EXPECT_NEAR(info.scale[j], std::sqrt(sq / n - mean * mean), 1e-9 * info.scale[j]);
  }
}

void checkLoad(saddle::Deck const& deck, std::int64_t n_rows) {
  saddle::mpi::Comm const world(MPI_COMM_WORLD);
  FederatedData const data = saddle::data::load(deck, world);
  FederatedData const serial = saddle::data::load(deck, saddle::mpi::Comm::self());
  auto const expected_silos =
      saddle::data::SiloPartition::block(deck.silos.count, world.rank(), world.size());
  EXPECT_EQ(data.silos.begin, expected_silos.begin);
  EXPECT_EQ(data.silos.end, expected_silos.end);
  ASSERT_EQ(data.train.silo_ids.size(), static_cast<std::size_t>(expected_silos.count()));
  ASSERT_EQ(data.test.silo_ids, data.train.silo_ids);
  if (expected_silos.count() == 0) {
    EXPECT_EQ(data.train.rows(), 0);
    EXPECT_EQ(data.test.rows(), 0);
    EXPECT_EQ(data.train.silo_offset, std::vector<std::int64_t>{0});
  }
  EXPECT_EQ(data.info.n_train, serial.info.n_train);
  EXPECT_EQ(data.info.n_test, serial.info.n_test);
  EXPECT_EQ(data.info.train_group_counts, serial.info.train_group_counts);
  EXPECT_EQ(data.info.train_silo_counts, serial.info.train_silo_counts);
  EXPECT_EQ(data.info.mean, serial.info.mean);   // bitwise: per-silo sums in silo order
  EXPECT_EQ(data.info.scale, serial.info.scale); // bitwise, as above
  EXPECT_EQ(data.info.description, serial.info.description);
  checkStatistics(serial);
  checkUnion(deck, n_rows, data.train, false, world);
  checkUnion(deck, n_rows, data.test, true, world);
  checkAgainstSerial(data.train, serial.train);
  checkAgainstSerial(data.test, serial.test);
}

TEST(DataMpi, SyntheticThreeSilos) {
  checkLoad(syntheticDeck(3), 3000);
}

TEST(DataMpi, SyntheticFourSilos) {
  checkLoad(syntheticDeck(4), 3000);
}

TEST(DataMpi, SyntheticMoreSilosThanRanks) {
  checkLoad(syntheticDeck(7), 3000);
}

TEST(DataMpi, HmdaThreeSilos) {
  checkLoad(hmdaDeck(3), 2380);
}

TEST(DataMpi, ErrorsReachEveryRank) {
  saddle::mpi::Comm const world(MPI_COMM_WORLD);
  auto deck = syntheticDeck(3);
  deck.data.n_samples = 2; // fewer training rows than silos: every rank throws, none hangs
  EXPECT_THROW(saddle::data::load(deck, world), saddle::InputError);
  world.barrier();
}

} // namespace
