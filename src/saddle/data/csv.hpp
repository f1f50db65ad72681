#pragma once
/// Reader of the small real data sets (tests/data, inputs/data): comma-separated, one header
/// row, no quotes, '.' decimals, no missing values. `label` is 0/1; `sensitive_*` columns are
/// 0/1 group indicators (never features); every other column is a numeric feature.
#include "saddle/data/dataset.hpp"

#include <string>

namespace saddle::data {

/// Read the CSV file `path` into a Table: y from `label_column` (0/1), the group from
/// `sensitive_column` ("" = the first `sensitive_*` column), every column that is neither the
/// label nor the group nor named `sensitive_*` a feature, in file order. Groups must be
/// non-negative integers; n_groups = max(2, largest group + 1). row_id = data row index
/// (0-based, file order). CRLF or LF line endings; empty lines are allowed only at the end.
/// Local (no communication); host only. Throws InputError naming file, 1-based line (the
/// header is line 1), column name and 1-based column number, e.g.
/// "saddle::data::loadCsv: a.csv:7: column 'age' (column 3): cell 'abc' is not a number".
Table loadCsv(std::string const& path, std::string const& label_column,
              std::string const& sensitive_column);

/// As above, and set `group_column` to the name of the column used as the group (the first
/// `sensitive_*` column when `sensitive_column` is ""). Local; host only.
Table loadCsv(std::string const& path, std::string const& label_column,
              std::string const& sensitive_column, std::string& group_column);

} // namespace saddle::data
