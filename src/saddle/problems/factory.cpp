#include "saddle/problems/factory.hpp"

#include "saddle/problems/demographic_parity.hpp"

namespace saddle {

std::unique_ptr<Problem> makeProblem(Deck const& deck, data::DataInfo const& info) {
  std::string const& c = deck.problem.constraint;
  if (c == "demographic_parity")
    return std::make_unique<DemographicParity>(info.train_group_counts, 0.0);
  if (c == "none")
    return std::make_unique<Unconstrained>();
  throw InputError("saddle::Deck: " + deck.source() + ": key 'problem.constraint' = \"" + c +
                   "\" is not available in this build yet");
}

} // namespace saddle
