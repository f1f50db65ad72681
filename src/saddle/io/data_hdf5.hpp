#pragma once
/// Reader of HDF5 data files (data.source = "hdf5"). The file holds three datasets at its root:
///   X [rows][features]  float64 or float32 (integers are accepted too), every value finite
///   y [rows]            the 0/1 label, integer or float
///   s [rows]            the group of each row, a non-negative integer (integer type, or a float
///                       holding an integer), at most 2^20
/// and optionally a `feature_names` attribute on X (or on the root group): an array of
/// [features] strings, or one string of comma-separated names. Without it the features are named
/// x0, x1, ... (as the synthetic generator names them). h5py writes such a file with
///   f["X"] = X; f["y"] = y; f["s"] = s; f["X"].attrs["feature_names"] = names
/// This header exposes no HDF5 type: src/saddle/data calls it without touching HDF5.
#include "saddle/data/dataset.hpp"

#include <string>

namespace saddle::io {

/// Read the HDF5 data file `path` into a Table (row_id = row index, 0-based; n_groups =
/// max(2, largest group + 1)). Local (no communication; every rank that calls it on the same
/// file gets the same answer or the same error); host only.
/// Throws InputError naming the file, the dataset and, for a bad value, its 0-based row (and
/// column for X): a missing file or dataset, a file that is not HDF5, a wrong rank or type, rows
/// that differ between X, y and s, NaN or Inf in X, y not 0/1, s negative or not an integer,
/// a feature_names attribute of the wrong length; or a corrupt file.
data::Table readDataHdf5(std::string const& path);

} // namespace saddle::io
