#pragma once
/// Constraint schedules: a tolerance annealed from a start value to a target over rounds, so
/// that a constraint g(theta) <= eps(t) starts loose and tightens (or the reverse). The
/// constraint the dual player sees at round t is g(theta) - eps(t).
#include <cstdint>
#include <string>
#include <vector>

namespace saddle::optim {

/// A tolerance schedule (a deck section).
struct ScheduleConfig {
  std::string kind = "constant"; ///< "constant" (target), "linear" or "geometric"
  double start = 0.0;            ///< eps(0)
  double target = 0.0;           ///< eps(t) for t >= rounds
  std::int64_t rounds = 1;       ///< rounds from start to target, >= 1
  std::string section = "schedule";

  /// Throws InputError naming `section.key`: rounds >= 1; finite values; geometric needs
  /// start and target nonzero and of the same sign.
  void validate() const;
};

class ToleranceSchedule {
public:
  /// Validates cfg (InputError).
  explicit ToleranceSchedule(ScheduleConfig cfg);

  /// eps(t), s = min(t / rounds, 1):
  ///   constant: target;  linear: start + s (target - start);
  ///   geometric: start (target / start)^s.  Pure function of t (restart-safe).
  double value(std::int64_t round) const;

  /// violation_j <- violation_j - eps(round) for every entry: g <= eps becomes g - eps <= 0.
  void shift(std::vector<double>& violation, std::int64_t round) const;

  ScheduleConfig const& config() const { return _cfg; }

private:
  ScheduleConfig _cfg;
};

} // namespace saddle::optim
