#pragma once
/// A synthetic fair-classification data set whose rows are a pure function of (seed, global row
/// id): the same rows come out on any rank count, in any order, on any machine.
#include "saddle/core/deck.hpp"
#include "saddle/data/dataset.hpp"

#include <cstdint>
#include <vector>

namespace saddle::data {

/// Rows [row_begin, row_end) of the synthetic data set described by `config` (n_features,
/// n_groups, bias) and `seed`. Row r, with k = n_groups and d = n_features:
///   group g ~ uniform over {0, ..., k-1};  offset o_g = 1 - 2 g / (k - 1)  (0 when k = 1),
///   so group 0 sits at +1 (favoured) and group k-1 at -1 (disadvantaged), as in the CSV
///   convention where sensitive = 1 marks the usually disadvantaged group;
///   x_0 = z_0 + bias * o_g,  x_j = z_j (j >= 1),  z_j ~ N(0, 1);
///   y = 1[ w . x + bias * o_g + L > 0 ],  L ~ standard logistic,
///   w_j = (+1, -1, +1, ...)_j / sqrt(d)  (fixed, norm 1, w_0 > 0).
/// With bias = 0 the group is independent of x and y. Local (no communication); host only.
/// Throws InputError if n_features < 1, n_groups < 1 or the range is invalid.
Table generateSynthetic(DataConfig const& config, std::uint64_t seed, std::int64_t row_begin,
                        std::int64_t row_end);

/// The rows `row_ids` (any order, repeats allowed) of the same data set, in the given order.
/// Local (no communication); host only.
Table generateSyntheticRows(DataConfig const& config, std::uint64_t seed,
                            std::vector<std::int64_t> const& row_ids);

} // namespace saddle::data
