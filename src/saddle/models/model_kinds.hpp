#pragma once
/// The kinds of model saddle trains and their names in decks: the GLM losses, the hidden-layer
/// activations of an MLP, and an MLP's layer widths ("256-512-512-10").
#include "kernels/models_mlp.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle {

/// Loss of a generalized linear model (kernels/models_glm.hpp).
enum class GlmLoss {
  Logistic,     ///< "logistic": binary cross-entropy, labels {0, 1}
  Hinge,        ///< "hinge": linear SVM, labels {0, 1}
  SquaredHinge, ///< "squared_hinge": linear SVM, labels {0, 1}
  LeastSquares  ///< "least_squares": real labels
};

/// The GLM loss named `name`; throws InputError naming `key`, the value and the allowed names.
GlmLoss glmLossFromName(std::string const& name, std::string const& key);
/// The deck name of a GLM loss.
std::string glmLossName(GlmLoss loss);

/// The hidden activation named "relu" or "tanh"; throws InputError naming `key` otherwise.
kernels::Activation activationFromName(std::string const& name, std::string const& key);
/// The deck name of an activation ("identity", "relu", "tanh").
std::string activationName(kernels::Activation f);

/// Layer widths from "w0-w1-...-wL" (at least two widths, each >= 1; the first is the number
/// of features, the last the number of classes). Throws InputError naming `key` otherwise.
std::vector<std::int64_t> parseWidths(std::string const& text, std::string const& key);

} // namespace saddle
