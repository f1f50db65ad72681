#pragma once
/// Who holds what: rows -> silos (a pure function of the seed), silos -> ranks (a block map).
/// No communication: every rank computes the same answer.
///
/// Row -> silo schemes (deck key silos.partition). Each takes the rows of one split (train or
/// test) and returns the silo of each; every row gets exactly one silo, the answer depends only
/// on the set of rows (not on their input order) and on the seed, and every random choice is a
/// counter-based draw keyed on (seed, Purpose::Partition, stream, row id or label).
///  - iid: a random permutation cut into n_silos blocks whose sizes differ by at most one.
///  - dirichlet: label skew. For each label value c, silo shares p_c ~ Dirichlet(alpha, ..., alpha)
///    (keyed on (seed, c), so train and test get the same shares); the rows of label c, in random
///    order, are cut into n_silos blocks of sizes round(n_c * cumulative share). Sizes differ.
///  - group: silo k is dominated by group k mod n_groups. Nominal sizes are the iid ones; silo k
///    first takes round(h * n_k) random rows of its own group (fewer, shared evenly among the
///    silos of that group, when the group is too small), then fills up to n_k from the pool of
///    all rows not taken that way, dealt at random.
///  - quantile: rows sorted by a feature (ties by row id) are cut into n_silos blocks of the iid
///    sizes; silo k keeps round(h * n_k) random rows of its own block and fills up to n_k from
///    the pool of all rows not kept, dealt at random (h = 1: the blocks; h = 0: iid).
/// No silo is left empty when the split has at least n_silos rows: dirichlet moves rows
/// (one at a time, the largest row id of the currently largest silo, ties to the lowest silo)
/// into empty silos; the other schemes never leave one empty.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace saddle::data {

/// Rank r owns silos [begin, end); the remainder goes to the lowest ranks. A rank may own none.
struct SiloPartition {
  std::int64_t n_global = 0, begin = 0, end = 0;
  static SiloPartition block(std::int64_t n, int rank, int size) {
    std::int64_t const q = n / size, r = n % size;
    std::int64_t const b = rank * q + std::min<std::int64_t>(rank, r);
    return {n, b, b + q + (rank < r ? 1 : 0)};
  }
  std::int64_t count() const { return end - begin; }
  bool owns(std::int64_t silo) const { return silo >= begin && silo < end; }
};

/// The settings of a row -> silo scheme (from the deck's [silos] section and run.seed).
struct PartitionSpec {
  std::string scheme = "iid"; ///< "iid" | "dirichlet" | "group" | "quantile"
  std::int64_t n_silos = 1;   ///< >= 1
  double alpha = 0.5;         ///< dirichlet: concentration, > 0
  double heterogeneity = 0.5; ///< group, quantile: share taken from the own block, in [0, 1]
  std::uint64_t seed = 0;
};

/// What the schemes may look at for the rows of one split; every vector is parallel to
/// `row_ids` (only the one the scheme needs must be filled).
struct SplitRows {
  std::vector<std::int64_t> row_ids; ///< global row ids, distinct, any order
  std::vector<int> labels;           ///< dirichlet: label of each row, >= 0
  std::vector<int> groups;           ///< group: group of each row, in [0, n_groups)
  std::int64_t n_groups = 0;         ///< group: number of groups, >= 1
  std::vector<double> values;        ///< quantile: the feature's value of each row, not NaN
};

/// Silo of each row of `rows` under `spec` (dispatch to the functions below). Pure function.
/// Throws InputError naming the deck key (silos.partition, silos.count, silos.alpha,
/// silos.heterogeneity) for bad settings.
std::vector<std::int64_t> assignSilos(PartitionSpec const& spec, SplitRows const& rows);

/// IID partition: the `row_ids` (global ids of one split, any order) are shuffled by a
/// counter-based key of (seed, row id) and cut into `n_silos` contiguous blocks of sizes that
/// differ by at most one. Returns the silo of each entry of `row_ids`. Pure function.
std::vector<std::int64_t> iidSilos(std::vector<std::int64_t> const& row_ids, std::int64_t n_silos,
                                   std::uint64_t seed);

/// The silo shares [n_silos] of label value `label`: a Dirichlet(alpha, ..., alpha) draw made of
/// Gamma(alpha) variates (Marsaglia-Tsang, boosted by U^(1/alpha) for alpha < 1, in log space so
/// that tiny alpha cannot underflow to an all-zero draw), keyed on (seed, label, silo). Sums to 1
/// up to rounding. Pure function.
std::vector<double> dirichletShares(int label, std::int64_t n_silos, double alpha,
                                    std::uint64_t seed);

/// Dirichlet label-skew partition (see the file comment). `labels` parallel to `row_ids`.
std::vector<std::int64_t> dirichletSilos(std::vector<std::int64_t> const& row_ids,
                                         std::vector<int> const& labels, std::int64_t n_silos,
                                         double alpha, std::uint64_t seed);

/// Group-dominated partition (see the file comment). `groups` parallel to `row_ids`.
std::vector<std::int64_t> groupSilos(std::vector<std::int64_t> const& row_ids,
                                     std::vector<int> const& groups, std::int64_t n_groups,
                                     std::int64_t n_silos, double heterogeneity,
                                     std::uint64_t seed);

/// Feature-quantile partition (see the file comment). `values` parallel to `row_ids`.
std::vector<std::int64_t> quantileSilos(std::vector<std::int64_t> const& row_ids,
                                        std::vector<double> const& values, std::int64_t n_silos,
                                        double heterogeneity, std::uint64_t seed);

} // namespace saddle::data
