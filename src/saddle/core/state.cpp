#include "saddle/core/state.hpp"

#include "saddle/core/error.hpp"

namespace saddle {

void State::putArray(std::string const& name, std::vector<double> values) {
  _arrays[name] = std::move(values);
}

void State::putInt(std::string const& name, std::int64_t value) {
  _integers[name] = value;
}

void State::putSiloArray(std::string const& name, SiloArray rows) {
  for (auto const& [silo, row] : rows.rows) {
    SADDLE_REQUIRE(silo >= 0 && silo < rows.n_silos, "saddle::State: silo " + std::to_string(silo) +
                                                         " of '" + name + "' outside [0, " +
                                                         std::to_string(rows.n_silos) + ")");
    SADDLE_REQUIRE(static_cast<std::int64_t>(row.size()) == rows.width,
                   "saddle::State: a row of '" + name + "' has the wrong width");
  }
  _silo_arrays[name] = std::move(rows);
}

SiloArray const& State::siloArray(std::string const& name, std::int64_t expected_width) const {
  auto const it = _silo_arrays.find(name);
  if (it == _silo_arrays.end())
    throw InputError("saddle::State: no silo array '" + name + "' in the saved state");
  if (expected_width >= 0 && it->second.width != expected_width)
    throw InputError("saddle::State: silo array '" + name + "' has width " +
                     std::to_string(it->second.width) + ", expected " +
                     std::to_string(expected_width));
  return it->second;
}

std::vector<double> const& State::array(std::string const& name, std::int64_t expected_size) const {
  auto const it = _arrays.find(name);
  if (it == _arrays.end())
    throw InputError("saddle::State: no array '" + name + "' in the saved state");
  if (expected_size >= 0 && static_cast<std::int64_t>(it->second.size()) != expected_size)
    throw InputError("saddle::State: array '" + name + "' has " +
                     std::to_string(it->second.size()) + " entries, expected " +
                     std::to_string(expected_size));
  return it->second;
}

std::int64_t State::integer(std::string const& name) const {
  auto const it = _integers.find(name);
  if (it == _integers.end())
    throw InputError("saddle::State: no scalar '" + name + "' in the saved state");
  return it->second;
}

} // namespace saddle
