#pragma once
/// The file sources of data::load (data.source = "csv" or "hdf5"): read the whole table, keep the
/// deck's feature columns, and name the feature that silos.feature picks. Local; host only.
#include "saddle/core/deck.hpp"
#include "saddle/data/dataset.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle::data {

/// data.path resolved against the deck's folder (absolute paths unchanged).
std::string resolveDataPath(Deck const& deck);

/// Read every row of the deck's csv or hdf5 file and keep the columns of data.feature_columns.
/// Sets `description` to one line for the start-up log. Local. Throws InputError naming the
/// file (and its row and column) for bad data, and data.feature_columns for a bad selection.
Table readFileTable(Deck const& deck, FileReaders const& readers, std::string& description);

/// Keep only the features named in `columns` (comma-separated, blanks around names ignored),
/// in that order; "" keeps every feature. Throws InputError naming `origin`, the key
/// data.feature_columns and the offending name: an unknown name (the features are listed; the
/// label and group columns are never features), a duplicate, or an empty entry. Local.
void selectFeatures(Table& table, std::string const& columns, std::string const& origin);

/// Index of feature `name` in `names` for silos.feature ("" = the first feature). Throws
/// InputError naming silos.feature, the name and the features of `origin`. Local.
std::int64_t quantileFeature(std::vector<std::string> const& names, std::string const& name,
                             std::string const& origin);

} // namespace saddle::data
