#include "saddle/problems/factory.hpp"

#include "saddle/problems/demographic_parity.hpp"
#include "saddle/problems/fermi.hpp"
#include "saddle/problems/group_accuracy.hpp"
#include "saddle/problems/rate_parity.hpp"

namespace saddle {

namespace {
std::unique_ptr<Problem> makeGroupAccuracy(Deck const& deck, data::DataInfo const& info,
                                           std::vector<double> const& reference_theta) {
  auto const& path = deck.problem.reference_model;
  auto const expected = static_cast<std::size_t>(info.n_features + 1);
  if (!path.empty() && reference_theta.size() != expected)
    throw InputError("saddle::Deck: " + deck.source() + ": key 'problem.reference_model' = \"" +
                     path + "\": " +
                     (reference_theta.empty()
                          ? std::string("the reference model was not loaded")
                          : "the reference model has " + std::to_string(reference_theta.size()) +
                                " parameters, the data needs " + std::to_string(expected)));
  return std::make_unique<GroupAccuracy>(info.train_group_counts, 0.0,
                                         path.empty() ? std::vector<double>() : reference_theta);
}

std::unique_ptr<Problem> makeFermi(Deck const& deck, data::DataInfo const& info) {
  FermiConfig cfg;
  cfg.conditioned = deck.problem.constraint == "fermi_eo";
  cfg.n_groups = info.n_groups;
  cfg.lambda = deck.problem.fermi_lambda;
  cfg.best_response = deck.problem.fermi_w == "best_response";
  cfg.w_lr = deck.problem.fermi_w_lr;
  cfg.w_radius = deck.problem.fermi_w_radius;
  return std::make_unique<Fermi>(cfg);
}
} // namespace

std::unique_ptr<Problem> makeProblem(Deck const& deck, data::DataInfo const& info,
                                     std::vector<double> const& reference_theta) {
  std::string const& c = deck.problem.constraint;
  if (c == "none")
    return std::make_unique<Unconstrained>();
  if (info.n_groups < 1)
    throw InputError("saddle::Deck: " + deck.source() + ": key 'problem.constraint' = \"" + c +
                     "\" needs a sensitive attribute (groups) in the data");
  if (c == "demographic_parity")
    return std::make_unique<DemographicParity>(info.train_group_counts, 0.0);
  if (c == "equalized_odds")
    return std::make_unique<EqualizedOdds>(info.n_groups, 0.0);
  if (c == "group_accuracy")
    return makeGroupAccuracy(deck, info, reference_theta);
  if (c == "fermi_dp" || c == "fermi_eo")
    return makeFermi(deck, info);
  throw InputError("saddle::Deck: " + deck.source() + ": key 'problem.constraint' = \"" + c +
                   "\" is not available in this build");
}

} // namespace saddle
