#include "saddle/models/model_kinds.hpp"

#include "saddle/core/error.hpp"

#include <sstream>

namespace saddle {

GlmLoss glmLossFromName(std::string const& name, std::string const& key) {
  if (name == "logistic")
    return GlmLoss::Logistic;
  if (name == "hinge")
    return GlmLoss::Hinge;
  if (name == "squared_hinge")
    return GlmLoss::SquaredHinge;
  if (name == "least_squares")
    return GlmLoss::LeastSquares;
  throw InputError("saddle::models: " + key + " = \"" + name +
                   "\" is not a GLM loss (allowed: logistic, hinge, squared_hinge, "
                   "least_squares)");
}

std::string glmLossName(GlmLoss loss) {
  switch (loss) {
  case GlmLoss::Logistic:
    return "logistic";
  case GlmLoss::Hinge:
    return "hinge";
  case GlmLoss::SquaredHinge:
    return "squared_hinge";
  case GlmLoss::LeastSquares:
    return "least_squares";
  }
  return "?";
}

kernels::Activation activationFromName(std::string const& name, std::string const& key) {
  if (name == "relu")
    return kernels::Activation::Relu;
  if (name == "tanh")
    return kernels::Activation::Tanh;
  throw InputError("saddle::models: " + key + " = \"" + name +
                   "\" is not a hidden activation (allowed: relu, tanh)");
}

std::string activationName(kernels::Activation f) {
  switch (f) {
  case kernels::Activation::Relu:
    return "relu";
  case kernels::Activation::Tanh:
    return "tanh";
  default:
    return "identity";
  }
}

std::vector<std::int64_t> parseWidths(std::string const& text, std::string const& key) {
  std::vector<std::int64_t> widths;
  std::stringstream in(text);
  std::string part;
  auto const bad = [&](std::string const& why) {
    return InputError("saddle::models: " + key + " = \"" + text + "\" is not a list of layer " +
                      "widths \"w0-w1-...-wL\" (" + why + ")");
  };
  while (std::getline(in, part, '-')) {
    if (part.empty() || part.size() > 9 ||
        part.find_first_not_of("0123456789") != std::string::npos)
      throw bad("each width is a positive integer below 10^9");
    std::int64_t const w = std::stoll(part);
    if (w < 1)
      throw bad("each width is >= 1");
    widths.push_back(w);
  }
  if (widths.size() < 2)
    throw bad("at least an input and an output width");
  return widths;
}

} // namespace saddle
