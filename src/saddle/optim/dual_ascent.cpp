#include "saddle/optim/dual_ascent.hpp"

#include "kernels/dual_updates.hpp"
#include "saddle/core/error.hpp"
#include "saddle/core/view_state.hpp"

namespace saddle {

ProjectedGradientAscent::ProjectedGradientAscent(std::int64_t n, double lr)
    : _lr(lr), _lambda("saddle::ProjectedGradientAscent::lambda", n),
      _violation("saddle::ProjectedGradientAscent::violation", n),
      _violation_host(Kokkos::create_mirror_view(_violation)) {}

void ProjectedGradientAscent::step(ExecSpace const& space, std::vector<double> const& violation) {
  SADDLE_REQUIRE(static_cast<std::int64_t>(violation.size()) == size(),
                 "saddle::ProjectedGradientAscent::step: violation has the wrong length");
  if (size() == 0)
    return;
  for (std::int64_t j = 0; j < size(); ++j)
    _violation_host(j) = violation[j];
  Kokkos::deep_copy(space, _violation, _violation_host);
  // lambda_j <- max(0, lambda_j + eta g_j)
  kernels::projectedAscent(space, _lambda, _violation, _lr);
}

std::vector<double> ProjectedGradientAscent::lambdaHost() const {
  return toStdVector(_lambda);
}

void ProjectedGradientAscent::saveState(State& state, std::string const& prefix) const {
  state.putArray(prefix + "lambda", toStdVector(_lambda));
}

void ProjectedGradientAscent::loadState(State const& state, std::string const& prefix) {
  fromStdVector(state.array(prefix + "lambda", size()), _lambda);
}

} // namespace saddle
