// Non-iid partitions across ranks (run at np 1, 2, 4): for every scheme, the rows that the
// ranks hold for each silo are, together, exactly the global row sets that the pure partition
// functions give on one process (so np 1, 2 and 4 hold the same silos), each row on exactly one
// rank; and a bad HDF5 file fails with the same InputError on every rank.
#include "saddle/core/comm.hpp"
#include "saddle/core/error.hpp"
#include "saddle/data/csv.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/data/partition.hpp"
#include "saddle/data/synthetic.hpp"
#include "saddle/io/data_hdf5.hpp"

#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>
#include <mpi.h>

#include "support/helpers.hpp"
#include <fstream>
#include <string>
#include <vector>

namespace {

using saddle::data::SiloData;
using saddle::data::Table;

saddle::Deck deckFor(std::string const& source, std::string const& partition) {
  saddle::Deck deck;
  deck.data.source = source;
  if (source == "csv") {
    deck.data.path = std::string(SADDLE_TEST_DATA_DIR) + "/slid.csv";
    deck.silos.feature = "education";
  } else {
    deck.data.n_samples = 3000;
    deck.data.n_features = 4;
    deck.data.n_groups = 3;
    deck.silos.feature = "x2";
  }
  deck.data.test_fraction = 0.2;
  deck.silos.count = 7;
  deck.silos.partition = partition;
  deck.silos.alpha = 0.2;
  deck.silos.heterogeneity = 0.8;
  deck.run.seed = 2024;
  return deck;
}

/// The one-process answer: 1 + silo of every row of the split (0 for rows of the other split).
std::vector<std::int64_t> expectedSilos(saddle::Deck const& deck, Table const& all, bool test) {
  saddle::data::SplitRows rows;
  rows.n_groups = all.n_groups;
  std::int64_t feature = 0;
  while (all.feature_names[static_cast<std::size_t>(feature)] != deck.silos.feature)
    ++feature;
  auto const d = static_cast<std::size_t>(all.n_features);
  for (std::int64_t r = 0; r < all.rows(); ++r) {
    if (saddle::data::isTestRow(deck.run.seed, r, deck.data.test_fraction) != test)
      continue;
    auto const i = static_cast<std::size_t>(r);
    rows.row_ids.push_back(r);
    rows.labels.push_back(static_cast<int>(all.y[i]));
    rows.groups.push_back(all.group[i]);
    rows.values.push_back(all.x[i * d + static_cast<std::size_t>(feature)]);
  }
  saddle::data::PartitionSpec const spec{deck.silos.partition, deck.silos.count, deck.silos.alpha,
                                         deck.silos.heterogeneity, deck.run.seed};
  auto const silo = saddle::data::assignSilos(spec, rows);
  std::vector<std::int64_t> expected(static_cast<std::size_t>(all.rows()), 0);
  for (std::size_t i = 0; i < silo.size(); ++i)
    expected[static_cast<std::size_t>(rows.row_ids[i])] = silo[i] + 1;
  return expected;
}

/// Union over ranks of (row -> 1 + silo) and of copies of each row, against `expected`.
void checkUnion(SiloData const& split, std::vector<std::int64_t> const& expected,
                saddle::mpi::Comm const& comm) {
  auto const n = static_cast<std::int64_t>(expected.size());
  std::vector<std::int64_t> silo_plus_one(expected.size(), 0), copies(expected.size(), 0);
  auto const row_id = saddle::test::toHost(split.row_id);
  for (std::size_t k = 0; k < split.silo_ids.size(); ++k)
    for (auto i = split.silo_offset[k]; i < split.silo_offset[k + 1]; ++i) {
      auto const r = static_cast<std::size_t>(row_id[static_cast<std::size_t>(i)]);
      silo_plus_one[r] += split.silo_ids[k] + 1;
      copies[r] += 1;
    }
  comm.allreduceSum(silo_plus_one.data(), n);
  comm.allreduceSum(copies.data(), n);
  EXPECT_EQ(silo_plus_one, expected);
  for (std::size_t r = 0; r < expected.size(); ++r)
    ASSERT_EQ(copies[r], expected[r] > 0 ? 1 : 0) << "row " << r;
}

void checkScheme(std::string const& source, std::string const& partition) {
  SCOPED_TRACE(source + " " + partition);
  saddle::mpi::Comm const world(MPI_COMM_WORLD);
  auto const deck = deckFor(source, partition);
  auto const data = saddle::data::load(deck, world);
  Table const all = source == "csv" ? saddle::data::loadCsv(deck.data.path, "label", "")
                                    : saddle::data::generateSynthetic(deck.data, deck.run.seed, 0,
                                                                      deck.data.n_samples);
  checkUnion(data.train, expectedSilos(deck, all, false), world);
  checkUnion(data.test, expectedSilos(deck, all, true), world);
  for (auto const count : data.info.train_silo_counts)
    EXPECT_GT(count, 0);
}

TEST(PartitionMpi, EverySchemeHoldsTheSameSilosOnAnyRankCount) {
  for (std::string const source : {"csv", "synthetic"})
    for (std::string const partition : {"iid", "dirichlet", "group", "quantile"})
      checkScheme(source, partition);
}

TEST(PartitionMpi, BadHdf5FileFailsOnEveryRankWithTheSameMessage) {
  saddle::mpi::Comm const world(MPI_COMM_WORLD);
  std::string path = world.rank() == 0 ? saddle::test::freshDir("partition_mpi") + "/bad.h5" : "";
  if (world.rank() == 0)
    std::ofstream(path) << "not an HDF5 file\n";
  world.broadcast(path);
  auto deck = deckFor("csv", "iid");
  deck.data.source = "hdf5";
  deck.data.path = path;
  std::string message;
  try {
    saddle::data::load(deck, world, saddle::data::FileReaders{&saddle::io::readDataHdf5});
  } catch (saddle::InputError const& e) {
    message = e.what();
  }
  EXPECT_NE(message.find(path + " is not an HDF5 file"), std::string::npos) << message;
  std::string root_message = message;
  world.broadcast(root_message);
  EXPECT_EQ(message, root_message);
}

} // namespace
