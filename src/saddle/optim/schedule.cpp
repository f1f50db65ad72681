#include "saddle/optim/schedule.hpp"

#include "saddle/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace saddle::optim {

namespace {
[[noreturn]] void reject(std::string const& key, std::string const& value,
                         std::string const& rule) {
  throw InputError("saddle::ScheduleConfig: " + key + " = " + value + " is invalid (" + rule + ")");
}
std::string show(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}
} // namespace

void ScheduleConfig::validate() const {
  if (kind != "constant" && kind != "linear" && kind != "geometric")
    reject(section + ".kind", "'" + kind + "'", "allowed: constant, linear, geometric");
  if (rounds < 1)
    reject(section + ".rounds", std::to_string(rounds), "must be >= 1");
  if (!std::isfinite(start))
    reject(section + ".start", show(start), "must be finite");
  if (!std::isfinite(target))
    reject(section + ".target", show(target), "must be finite");
  if (kind == "geometric" && !(start * target > 0))
    reject(section + ".start", show(start),
           "a geometric schedule needs start and target nonzero and of the same sign (target = " +
               show(target) + ")");
}

ToleranceSchedule::ToleranceSchedule(ScheduleConfig cfg) : _cfg(std::move(cfg)) {
  _cfg.validate();
}

double ToleranceSchedule::value(std::int64_t round) const {
  if (_cfg.kind == "constant")
    return _cfg.target;
  double const s = std::min(1.0, static_cast<double>(std::max<std::int64_t>(round, 0)) /
                                     static_cast<double>(_cfg.rounds));
  if (round >= _cfg.rounds)
    return _cfg.target; // exact, whatever the rounding of the formula
  if (_cfg.kind == "linear")
    return _cfg.start + s * (_cfg.target - _cfg.start);
  return _cfg.start * std::pow(_cfg.target / _cfg.start, s);
}

void ToleranceSchedule::shift(std::vector<double>& violation, std::int64_t round) const {
  double const eps = value(round);
  for (auto& v : violation)
    v -= eps;
}

} // namespace saddle::optim
