#pragma once
/// The one interface through which everything that evolves during a run (parameters,
/// optimizer and multiplier states, RNG counters, sampler positions, accountant ledgers) is
/// saved and restored. Three kinds of entries, each under a path-like name ("model/theta"):
///  - arrays of doubles and int64 scalars replicated on every rank (same value everywhere);
///  - silo arrays: a global [n_silos][width] table of which each rank holds the rows of its
///    own silos. Checkpoints store them indexed by silo, never by rank, so a run can restart
///    on another rank count: the reader hands each rank the rows of the silos it then owns.
/// The HDF5 checkpoint writes a State; tests round-trip it in memory.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace saddle {

/// Rows of a global [n_silos][width] table held by one rank (its silos only).
struct SiloArray {
  std::int64_t n_silos = 0;
  std::int64_t width = 0;
  std::map<std::int64_t, std::vector<double>> rows; ///< silo id -> row of `width` values
  bool operator==(SiloArray const& o) const {
    return n_silos == o.n_silos && width == o.width && rows == o.rows;
  }
};

class State {
public:
  void putArray(std::string const& name, std::vector<double> values);
  void putInt(std::string const& name, std::int64_t value);
  /// Store a silo array; every row must have `width` entries and a silo id in [0, n_silos).
  void putSiloArray(std::string const& name, SiloArray rows);

  /// The array `name`; throws InputError if absent or if `expected_size` >= 0 differs.
  std::vector<double> const& array(std::string const& name, std::int64_t expected_size = -1) const;
  /// The scalar `name`; throws InputError if absent.
  std::int64_t integer(std::string const& name) const;
  /// The silo array `name`; throws InputError if absent or if `expected_width` >= 0 differs.
  SiloArray const& siloArray(std::string const& name, std::int64_t expected_width = -1) const;

  bool hasArray(std::string const& name) const { return _arrays.count(name) != 0; }
  std::map<std::string, std::vector<double>> const& arrays() const { return _arrays; }
  std::map<std::string, std::int64_t> const& integers() const { return _integers; }
  std::map<std::string, SiloArray> const& siloArrays() const { return _silo_arrays; }

  bool operator==(State const& other) const {
    return _arrays == other._arrays && _integers == other._integers &&
           _silo_arrays == other._silo_arrays;
  }

private:
  std::map<std::string, std::vector<double>> _arrays;
  std::map<std::string, std::int64_t> _integers;
  std::map<std::string, SiloArray> _silo_arrays;
};

/// Anything whose state evolves during a run. `prefix` namespaces its entries ("dual/").
class Stateful {
public:
  virtual ~Stateful() = default;
  virtual void saveState(State& state, std::string const& prefix) const = 0;
  virtual void loadState(State const& state, std::string const& prefix) = 0;
};

} // namespace saddle
