#include "saddle/data/dataset.hpp"

#include "kernels/rng.hpp"
#include "saddle/core/error.hpp"
#include "saddle/data/synthetic.hpp"
#include "saddle/data/table_source.hpp"

#include <cmath>
#include <cstdio>
#include <exception>
#include <utility>

namespace saddle::data {

namespace {

std::string const kWhere = "saddle::data::load: ";

/// Standard deviations below this are treated as a constant feature (scale 1).
constexpr double kMinScale = 1e-12;

/// Rows of one split held by this rank, ordered by (silo, row id).
struct LocalRows {
  std::vector<std::int64_t> row_ids;
  std::vector<std::int64_t> silo_offset; ///< [n_local_silos + 1]
};

/// Everything known before the first collective.
struct Plan {
  std::int64_t n_features = 0, n_groups = 0;
  std::vector<std::string> feature_names;
  std::string description;
  std::int64_t n_train = 0, n_test = 0;
  std::vector<std::int64_t> train_silo_counts, test_silo_counts;
  LocalRows train_rows, test_rows;
  Table train, test; ///< this rank's rows, in the order of train_rows / test_rows
};

void require(bool ok, std::string const& what) {
  if (!ok)
    throw InputError(kWhere + what);
}

void checkDeck(Deck const& deck) {
  auto const& data = deck.data;
  require(data.source == "synthetic" || data.source == "csv" || data.source == "hdf5",
          "data.source = '" + data.source + "' is invalid (allowed: 'synthetic', 'csv', 'hdf5')");
  auto const& scheme = deck.silos.partition;
  require(scheme == "iid" || scheme == "dirichlet" || scheme == "group" || scheme == "quantile",
          "silos.partition = '" + scheme +
              "' is invalid (allowed: 'iid', 'dirichlet', 'group', 'quantile')");
  require(deck.silos.count >= 1,
          "silos.count = " + std::to_string(deck.silos.count) + " is invalid (must be >= 1)");
  require(data.test_fraction >= 0.0 && data.test_fraction < 1.0,
          "data.test_fraction = " + std::to_string(data.test_fraction) +
              " is invalid (must be in [0, 1))");
  if (data.source == "synthetic") {
    require(data.n_samples >= 1,
            "data.n_samples = " + std::to_string(data.n_samples) + " is invalid (must be >= 1)");
    require(std::isfinite(data.bias), "data.bias must be finite");
    require(data.feature_columns.empty(),
            "data.feature_columns = '" + data.feature_columns +
                "' is invalid with data.source = 'synthetic' (it selects columns of a file)");
  } else {
    require(!data.path.empty(),
            "data.path is empty (data.source = '" + data.source + "' needs a file)");
  }
}

std::string formatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

/// The rows of one split that belong to this rank's silos, grouped by silo. `split_ids` are
/// ascending, so rows within a silo are too.
LocalRows localRows(std::vector<std::int64_t> const& split_ids,
                    std::vector<std::int64_t> const& silo_of, SiloPartition const& silos) {
  std::vector<std::vector<std::int64_t>> buckets(static_cast<std::size_t>(silos.count()));
  for (std::size_t i = 0; i < split_ids.size(); ++i)
    if (silos.owns(silo_of[i]))
      buckets[static_cast<std::size_t>(silo_of[i] - silos.begin)].push_back(split_ids[i]);
  LocalRows rows;
  rows.silo_offset.push_back(0);
  for (auto const& bucket : buckets) {
    rows.row_ids.insert(rows.row_ids.end(), bucket.begin(), bucket.end());
    rows.silo_offset.push_back(static_cast<std::int64_t>(rows.row_ids.size()));
  }
  return rows;
}

/// The rows `row_ids` of a fully loaded table (row id = index), in that order.
Table gatherRows(Table const& all, std::vector<std::int64_t> const& row_ids) {
  Table table;
  table.n_features = all.n_features;
  table.n_groups = all.n_groups;
  table.feature_names = all.feature_names;
  auto const d = static_cast<std::size_t>(all.n_features);
  for (std::int64_t const r : row_ids) {
    auto const i = static_cast<std::size_t>(r);
    table.x.insert(table.x.end(), all.x.begin() + i * d, all.x.begin() + (i + 1) * d);
    table.y.push_back(all.y[i]);
    table.group.push_back(all.group[i]);
    table.row_id.push_back(r);
  }
  return table;
}

/// Fill the global facts of `plan` from the source. Files are read whole into `all`; synthetic
/// rows are generated into `all` only when the partition looks at them (iid does not: its rows
/// are generated on demand, rank by rank). Returns the number of rows of the whole data set.
std::int64_t openSource(Deck const& deck, FileReaders const& readers, Plan& plan, Table& all) {
  auto const& config = deck.data;
  if (config.source != "synthetic") {
    all = readFileTable(deck, readers, plan.description);
    plan.n_features = all.n_features;
    plan.n_groups = all.n_groups;
    plan.feature_names = all.feature_names;
    return all.rows();
  }
  plan.n_features = config.n_features;
  plan.n_groups = config.n_groups;
  plan.feature_names = generateSynthetic(config, deck.run.seed, 0, 0).feature_names;
  plan.description = "synthetic: " + std::to_string(config.n_samples) + " rows, " +
                     std::to_string(config.n_features) + " features, " +
                     std::to_string(config.n_groups) + " groups, bias " + formatNumber(config.bias);
  if (deck.silos.partition != "iid")
    all = generateSynthetic(config, deck.run.seed, 0, config.n_samples);
  return config.n_samples;
}

/// The partition settings of the deck, and a log phrase for the non-iid ones.
PartitionSpec partitionSpec(Deck const& deck, std::string& phrase) {
  auto const& silos = deck.silos;
  PartitionSpec const spec{silos.partition, silos.count, silos.alpha, silos.heterogeneity,
                           deck.run.seed};
  if (spec.scheme == "dirichlet")
    phrase = "; silos: dirichlet label skew, alpha " + formatNumber(spec.alpha);
  else if (spec.scheme == "group")
    phrase = "; silos: dominated by group k mod n_groups, heterogeneity " +
             formatNumber(spec.heterogeneity);
  else if (spec.scheme == "quantile")
    phrase = "; silos: quantile blocks of '" + silos.feature + "', heterogeneity " +
             formatNumber(spec.heterogeneity);
  return spec;
}

/// What the partition looks at for the rows `ids` of one split (rows of `all`, row id = index).
SplitRows splitRows(PartitionSpec const& spec, Table const& all, std::vector<std::int64_t> ids,
                    std::int64_t feature) {
  SplitRows rows;
  auto const d = static_cast<std::size_t>(all.n_features);
  for (std::int64_t const r : ids) {
    auto const i = static_cast<std::size_t>(r);
    if (spec.scheme == "dirichlet")
      rows.labels.push_back(static_cast<int>(all.y[i]));
    else if (spec.scheme == "group")
      rows.groups.push_back(all.group[i]);
    else if (spec.scheme == "quantile")
      rows.values.push_back(all.x[i * d + static_cast<std::size_t>(feature)]);
  }
  rows.n_groups = all.n_groups;
  rows.row_ids = std::move(ids);
  return rows;
}

/// Split, partition and materialize this rank's rows. Identical validation on every rank.
Plan makePlan(Deck const& deck, FileReaders const& readers, SiloPartition const& silos) {
  checkDeck(deck);
  auto const& config = deck.data;
  std::uint64_t const seed = deck.run.seed;
  Plan plan;
  Table all; // every row of the data set, or empty for iid synthetic data (generated on demand)
  std::int64_t const n_rows = openSource(deck, readers, plan, all);
  std::vector<std::int64_t> train_ids, test_ids;
  for (std::int64_t r = 0; r < n_rows; ++r)
    (isTestRow(seed, r, config.test_fraction) ? test_ids : train_ids).push_back(r);
  plan.n_train = static_cast<std::int64_t>(train_ids.size());
  plan.n_test = static_cast<std::int64_t>(test_ids.size());
  require(deck.silos.count <= plan.n_train, "silos.count = " + std::to_string(deck.silos.count) +
                                                " exceeds the " + std::to_string(plan.n_train) +
                                                " training rows");
  std::string phrase;
  PartitionSpec const spec = partitionSpec(deck, phrase);
  plan.description += phrase;
  std::int64_t feature = 0;
  if (spec.scheme == "quantile")
    feature = quantileFeature(
        plan.feature_names, deck.silos.feature,
        config.source == "synthetic" ? "synthetic data" : config.source + " file " + config.path);
  auto const train_silo = assignSilos(spec, splitRows(spec, all, train_ids, feature));
  auto const test_silo = assignSilos(spec, splitRows(spec, all, test_ids, feature));
  plan.train_silo_counts.assign(static_cast<std::size_t>(deck.silos.count), 0);
  for (std::int64_t const s : train_silo)
    ++plan.train_silo_counts[static_cast<std::size_t>(s)];
  plan.test_silo_counts.assign(static_cast<std::size_t>(deck.silos.count), 0);
  for (std::int64_t const s : test_silo)
    ++plan.test_silo_counts[static_cast<std::size_t>(s)];
  plan.train_rows = localRows(train_ids, train_silo, silos);
  plan.test_rows = localRows(test_ids, test_silo, silos);
  auto const materialize = [&](std::vector<std::int64_t> const& ids) {
    return all.rows() > 0 ? gatherRows(all, ids) : generateSyntheticRows(config, seed, ids);
  };
  plan.train = materialize(plan.train_rows.row_ids);
  plan.test = materialize(plan.test_rows.row_ids);
  return plan;
}

/// Column sums over all training rows, sum_i (x_ij - shift_j)^power (power 1 or 2), computed
/// per silo in ascending row order, placed in a [n_silos][d] buffer that is zero outside this
/// rank's silos and summed over ranks (exact: one nonzero term per entry), then summed over
/// silos in silo order. So the result has the same bits on any rank count. The buffer costs
/// n_silos * d doubles. Collective on `comm`.
std::vector<double> columnSums(Table const& train, LocalRows const& rows,
                               SiloPartition const& silos, std::vector<double> const& shift,
                               int power, mpi::Comm const& comm) {
  auto const d = static_cast<std::size_t>(train.n_features);
  std::vector<double> per_silo(static_cast<std::size_t>(silos.n_global) * d, 0.0);
  for (std::int64_t k = 0; k < silos.count(); ++k) {
    double* sums = per_silo.data() + static_cast<std::size_t>(silos.begin + k) * d;
    for (auto i = rows.silo_offset[static_cast<std::size_t>(k)];
         i < rows.silo_offset[static_cast<std::size_t>(k) + 1]; ++i)
      for (std::size_t j = 0; j < d; ++j) {
        double const v = train.x[static_cast<std::size_t>(i) * d + j] - shift[j];
        sums[j] += power == 2 ? v * v : v;
      }
  }
  comm.allreduceSum(per_silo.data(), static_cast<std::int64_t>(per_silo.size()));
  std::vector<double> total(d, 0.0);
  for (std::int64_t s = 0; s < silos.n_global; ++s)
    for (std::size_t j = 0; j < d; ++j)
      total[j] += per_silo[static_cast<std::size_t>(s) * d + j];
  return total;
}

/// Mean and population standard deviation (1 for a constant feature) over all training rows
/// of all silos, two-pass. Collective on `comm`.
void standardization(Plan const& plan, SiloPartition const& silos, mpi::Comm const& comm,
                     DataInfo& info) {
  auto const d = static_cast<std::size_t>(plan.n_features);
  auto const n = static_cast<double>(plan.n_train);
  info.mean = columnSums(plan.train, plan.train_rows, silos, std::vector<double>(d, 0.0), 1, comm);
  for (double& m : info.mean)
    m /= n;
  info.scale = columnSums(plan.train, plan.train_rows, silos, info.mean, 2, comm);
  for (double& s : info.scale) {
    s = std::sqrt(s / n);
    if (s < kMinScale)
      s = 1.0;
  }
}

void applyStandardization(DataInfo const& info, Table& table) {
  auto const d = static_cast<std::size_t>(table.n_features);
  for (std::size_t k = 0; k < table.x.size(); ++k)
    table.x[k] = (table.x[k] - info.mean[k % d]) / info.scale[k % d];
}

/// Copy a split to the default memory space. Local.
SiloData toDevice(Table const& table, LocalRows const& rows, SiloPartition const& silos,
                  std::string const& split) {
  std::string const prefix = "saddle::data::" + split + "_";
  auto const n = table.rows();
  auto const d = table.n_features;
  SiloData data;
  data.x = Matrix<double>(prefix + "x", n, d);
  data.y = Vector<double>(prefix + "y", n);
  data.group = Vector<int>(prefix + "group", n);
  data.row_norm = Vector<double>(prefix + "row_norm", n);
  data.row_id = Vector<std::int64_t>(prefix + "row_id", n);
  auto x = Kokkos::create_mirror_view(data.x);
  auto y = Kokkos::create_mirror_view(data.y);
  auto group = Kokkos::create_mirror_view(data.group);
  auto row_norm = Kokkos::create_mirror_view(data.row_norm);
  auto row_id = Kokkos::create_mirror_view(data.row_id);
  for (std::int64_t i = 0; i < n; ++i) {
    double sq = 1.0; // the bias input
    for (std::int64_t j = 0; j < d; ++j) {
      x(i, j) = table.x[static_cast<std::size_t>(i * d + j)];
      sq += x(i, j) * x(i, j);
    }
    auto const ui = static_cast<std::size_t>(i);
    y(i) = table.y[ui];
    group(i) = table.group[ui];
    row_id(i) = table.row_id[ui];
    row_norm(i) = std::sqrt(sq);
  }
  Kokkos::deep_copy(data.x, x);
  Kokkos::deep_copy(data.y, y);
  Kokkos::deep_copy(data.group, group);
  Kokkos::deep_copy(data.row_norm, row_norm);
  Kokkos::deep_copy(data.row_id, row_id);
  for (std::int64_t s = silos.begin; s < silos.end; ++s)
    data.silo_ids.push_back(s);
  data.silo_offset = rows.silo_offset;
  return data;
}

/// After a step that may fail on some ranks only: if any rank failed, every rank throws the
/// lowest failing rank's own error (an InputError stays one), so that the one message printed
/// names the real cause (the file rank 1 could not read), never "failed on another rank".
/// Collective on `comm`.
void agreeOnFailure(mpi::Comm const& comm, std::exception_ptr const& error) {
  std::string message; // "I" (InputError) or "E" (anything else), then what()
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (InputError const& e) {
      message = std::string("I") + e.what();
    } catch (std::exception const& e) {
      message = std::string("E") + e.what();
    } catch (...) {
      message = "E" + kWhere + "unknown exception";
    }
  }
  std::int64_t const mine = message.empty() ? 0 : comm.size() - comm.rank();
  std::int64_t const first = comm.allreduceMax(mine); // size - (lowest failing rank), or 0
  if (first == 0)
    return;
  comm.broadcast(message, static_cast<int>(comm.size() - first));
  if (message[0] == 'I')
    throw InputError(message.substr(1));
  throw Error(message.substr(1));
}

} // namespace

bool isTestRow(std::uint64_t seed, std::int64_t row_id, double test_fraction) {
  rng::Key const key{seed, rng::Purpose::Split, 0, 0};
  return rng::uniform(key, static_cast<std::uint64_t>(row_id)) < test_fraction;
}

FederatedData load(Deck const& deck, mpi::Comm const& comm, FileReaders const& readers) {
  FederatedData result;
  result.silos =
      SiloPartition::block(std::max<std::int64_t>(deck.silos.count, 0), comm.rank(), comm.size());
  // Everything that can fail happens before the first collective; the ranks then agree on
  // failure, so an error on some ranks only (an unreadable file) cannot hang the others.
  Plan plan;
  std::exception_ptr error;
  try {
    plan = makePlan(deck, readers, result.silos);
  } catch (...) {
    error = std::current_exception();
  }
  agreeOnFailure(comm, error);
  DataInfo& info = result.info;
  info.n_features = plan.n_features;
  info.n_groups = plan.n_groups;
  info.n_train = plan.n_train;
  info.n_test = plan.n_test;
  info.train_silo_counts = plan.train_silo_counts;
  info.test_silo_counts = plan.test_silo_counts;
  info.feature_names = plan.feature_names;
  info.description = plan.description;
  info.train_group_counts.assign(static_cast<std::size_t>(plan.n_groups), 0);
  for (int const g : plan.train.group)
    ++info.train_group_counts[static_cast<std::size_t>(g)];
  comm.allreduceSum(info.train_group_counts.data(), plan.n_groups);
  if (deck.data.standardize) {
    standardization(plan, result.silos, comm, info);
    applyStandardization(info, plan.train);
    applyStandardization(info, plan.test);
  } else {
    info.mean.assign(static_cast<std::size_t>(plan.n_features), 0.0);
    info.scale.assign(static_cast<std::size_t>(plan.n_features), 1.0);
  }
  result.train = toDevice(plan.train, plan.train_rows, result.silos, "train");
  result.test = toDevice(plan.test, plan.test_rows, result.silos, "test");
  return result;
}

} // namespace saddle::data
