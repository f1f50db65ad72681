#pragma once
/// The one interface through which everything that evolves during a run (parameters,
/// optimizer and multiplier states, RNG counters, sampler positions) is saved and restored:
/// a flat map of named arrays of doubles and named int64 scalars. The HDF5 checkpoint writes
/// a State; tests round-trip it in memory. Names are paths: "primal/theta", "dual/lambda".
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace saddle {

class State {
public:
  void putArray(std::string const& name, std::vector<double> values);
  void putInt(std::string const& name, std::int64_t value);

  /// The array `name`; throws InputError if absent or if `expected_size` >= 0 differs.
  std::vector<double> const& array(std::string const& name, std::int64_t expected_size = -1) const;
  /// The scalar `name`; throws InputError if absent.
  std::int64_t integer(std::string const& name) const;

  bool hasArray(std::string const& name) const { return _arrays.count(name) != 0; }
  std::map<std::string, std::vector<double>> const& arrays() const { return _arrays; }
  std::map<std::string, std::int64_t> const& integers() const { return _integers; }

  bool operator==(State const& other) const {
    return _arrays == other._arrays && _integers == other._integers;
  }

private:
  std::map<std::string, std::vector<double>> _arrays;
  std::map<std::string, std::int64_t> _integers;
};

/// Anything whose state evolves during a run. `prefix` namespaces its entries ("dual/").
class Stateful {
public:
  virtual ~Stateful() = default;
  virtual void saveState(State& state, std::string const& prefix) const = 0;
  virtual void loadState(State const& state, std::string const& prefix) = 0;
};

} // namespace saddle
