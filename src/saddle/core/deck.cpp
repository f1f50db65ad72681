// The Deck: one key table drives parsing, type and range checks, defaults, toToml(), keys() and
// inputs/README.md. Errors are InputErrors "saddle::Deck: <file>:<line>: key '<k>' ...".
#include "saddle/core/deck.hpp"

#include "saddle/core/error.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <numeric>
#include <sstream>
#include <string_view>
#include <variant>

namespace saddle {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
std::string const kPrefix = "saddle::Deck: ";

/// Where a key's value lives inside a Deck.
using Field = std::variant<std::int64_t*, std::uint64_t*, double*, bool*, std::string*>;

/// What a key accepts. Numbers: lo..hi (lo open or closed, hi closed); floats must be finite
/// unless `inf_ok` (then +inf passes). Strings: one of `choices` when given, else non-empty
/// if `non_empty`. Booleans: anything.
struct Rule {
  double lo = -kInf;
  double hi = kInf;
  bool lo_open = false;
  bool inf_ok = false;
  bool non_empty = false;
  std::vector<std::string> choices;

  static Rule range(double lo, double hi, bool lo_open, bool inf_ok = false) {
    return {lo, hi, lo_open, inf_ok, false, {}};
  }
  static Rule atLeast(double lo) { return range(lo, kInf, false); }
  static Rule above(double lo) { return range(lo, kInf, true); }
  static Rule aboveOrInf(double lo) { return range(lo, kInf, true, true); }
  static Rule within(double lo, double hi) { return range(lo, hi, false); }
  static Rule aboveUpTo(double lo, double hi) { return range(lo, hi, true); }
  static Rule oneOf(std::vector<std::string> c) { return {-kInf, kInf, false, false, false, c}; }
  static Rule nonEmpty() { return {-kInf, kInf, false, false, true, {}}; }
  static Rule anything() { return {}; }
};

struct KeySpec {
  std::string key;       ///< "section.name"
  Field (*field)(Deck&); ///< the member it sets
  Rule rule;
  char const* description; ///< one line, for inputs/README.md
};

// The key and the member it sets are spelled once, so they cannot drift apart.
// clang-format off
#define SADDLE_DECK_KEY(section, name, rule, description) \
  KeySpec{#section "." #name, [](Deck& d) -> Field { return &d.section.name; }, rule, description}
// clang-format on

/// The key table, in deck order: it drives parsing, validation, toToml(), keys() and README.
std::vector<KeySpec> const& specs() {
  static std::vector<KeySpec> const table = {
      SADDLE_DECK_KEY(run, rounds, Rule::atLeast(1), "training rounds (aggregations across silos)"),
      SADDLE_DECK_KEY(run, seed, Rule::atLeast(0), "master seed of every random stream"),
      SADDLE_DECK_KEY(run, log_every, Rule::atLeast(1), "print a progress line every N rounds"),
      SADDLE_DECK_KEY(run, output_dir, Rule::nonEmpty(), "folder for history.csv and summary.txt"),
      SADDLE_DECK_KEY(data, source, Rule::oneOf({"synthetic", "csv", "hdf5"}),
                      "where rows come from: generated, a CSV file, or an HDF5 file (datasets "
                      "X, y, s)"),
      SADDLE_DECK_KEY(data, path, Rule::anything(),
                      "CSV or HDF5 file, required when data.source is \"csv\" or \"hdf5\" "
                      "(relative paths: to the deck's folder)"),
      SADDLE_DECK_KEY(data, label_column, Rule::nonEmpty(), "CSV: name of the 0/1 label column"),
      SADDLE_DECK_KEY(data, sensitive_column, Rule::anything(),
                      "CSV: name of the group column; \"\" = the first column whose name starts "
                      "with \"sensitive_\""),
      SADDLE_DECK_KEY(data, feature_columns, Rule::anything(),
                      "CSV or HDF5: comma-separated feature columns, in this order; \"\" = "
                      "every column that is not the label or a sensitive_* column (HDF5: names "
                      "from the feature_names attribute, else x0, x1, ...)"),
      SADDLE_DECK_KEY(data, n_samples, Rule::atLeast(10), "synthetic: number of rows"),
      SADDLE_DECK_KEY(data, n_features, Rule::within(1, 100000), "synthetic: number of features"),
      SADDLE_DECK_KEY(data, n_groups, Rule::within(2, 1000), "synthetic: number of groups"),
      SADDLE_DECK_KEY(data, bias, Rule::atLeast(0),
                      "synthetic: how strongly the label depends on the group"),
      SADDLE_DECK_KEY(data, test_fraction, Rule::within(0, 0.9),
                      "share of rows held out for testing"),
      SADDLE_DECK_KEY(data, standardize, Rule::anything(),
                      "z-score features with training-split statistics"),
      SADDLE_DECK_KEY(silos, count, Rule::within(1, 100000),
                      "number of silos (data owners); synthetic: at most data.n_samples"),
      SADDLE_DECK_KEY(silos, partition, Rule::oneOf({"iid", "dirichlet", "group", "quantile"}),
                      "how rows are dealt to silos: at random, label shares drawn from a "
                      "Dirichlet, dominated by one group, or by blocks of a feature's quantiles"),
      SADDLE_DECK_KEY(silos, alpha, Rule::above(0),
                      "dirichlet: concentration (small: each silo sees few labels)"),
      SADDLE_DECK_KEY(silos, heterogeneity, Rule::within(0, 1),
                      "group, quantile: share of a silo's rows taken from its own block (0: iid)"),
      SADDLE_DECK_KEY(silos, feature, Rule::anything(),
                      "quantile: feature whose quantiles define the blocks; \"\" = the first"),
      SADDLE_DECK_KEY(federated, algorithm, Rule::oneOf({"minibatch_sgd", "local_sgd", "spider"}),
                      "noisy minibatch SGD, noisy local SGD (model averaging), or noisy SPIDER"),
      SADDLE_DECK_KEY(federated, local_steps, Rule::within(1, 100000),
                      "local_sgd: noisy local steps per round (each a private release)"),
      SADDLE_DECK_KEY(federated, participating, Rule::atLeast(0),
                      "silos drawn to take part in each round; 0 = all"),
      SADDLE_DECK_KEY(federated, aggregation, Rule::oneOf({"fast", "reproducible"}),
                      "fast: one MPI_Allreduce; reproducible: bitwise independent of the rank "
                      "count"),
      SADDLE_DECK_KEY(federated, spider_period, Rule::atLeast(1),
                      "spider: rounds between fresh large-batch gradients"),
      SADDLE_DECK_KEY(federated, spider_sampling_rate, Rule::aboveUpTo(0, 1),
                      "spider: Poisson rate of the large-batch rounds"),
      SADDLE_DECK_KEY(model, kind, Rule::oneOf({"logistic", "least_squares"}),
                      "the model trained: logistic regression, or least squares on the 0/1 "
                      "label (a linear probability model)"),
      SADDLE_DECK_KEY(optim, primal, Rule::oneOf({"sgd", "momentum", "nesterov", "adam"}),
                      "primal optimizer (saddle-train: sgd; saddle-cmp: all)"),
      SADDLE_DECK_KEY(optim, lr, Rule::above(0), "primal step size"),
      SADDLE_DECK_KEY(optim, momentum, Rule::range(0, 1, false),
                      "momentum coefficient of the momentum and nesterov primal optimizers"),
      SADDLE_DECK_KEY(optim, update_order,
                      Rule::oneOf({"simultaneous", "alternating_dual_first",
                                   "alternating_primal_first", "extrapolation"}),
                      "order of the players' updates (saddle-train: simultaneous)"),
      SADDLE_DECK_KEY(optim, l2, Rule::atLeast(0),
                      "ridge coefficient: the objective adds l2/2 ||w||^2 (bias excluded)"),
      SADDLE_DECK_KEY(privacy, enabled, Rule::anything(),
                      "false: no clipping, no noise (plain SGD on the sampled batch)"),
      SADDLE_DECK_KEY(privacy, sampling, Rule::oneOf({"poisson", "shuffle"}),
                      "batches: Poisson sampling, or fixed-size batches of a shuffled epoch"),
      SADDLE_DECK_KEY(
          privacy, neighbouring, Rule::oneOf({"add_remove", "replace_one"}),
          "neighbouring relation accounted (poisson: add_remove, shuffle: replace_one)"),
      SADDLE_DECK_KEY(privacy, sampling_rate, Rule::aboveUpTo(0, 1),
                      "q: Poisson rate per silo and round; shuffle: batch size / silo size"),
      SADDLE_DECK_KEY(privacy, clipping, Rule::oneOf({"flat", "per_layer", "adaptive"}),
                      "per-record clipping: one norm, one per parameter group, or a tracked "
                      "quantile"),
      SADDLE_DECK_KEY(privacy, clip_norm, Rule::aboveOrInf(0),
                      "C: per-record gradient norm bound (adaptive: its start); inf = no "
                      "clipping (then noise_multiplier must be 0)"),
      SADDLE_DECK_KEY(privacy, noise_multiplier, Rule::atLeast(0),
                      "sigma: Gaussian noise std is sigma * C per silo message; 0 = a non-private "
                      "run (no noise on any part); set by target_epsilon when that is > 0"),
      SADDLE_DECK_KEY(privacy, stats_noise_multiplier, Rule::above(0),
                      "noise std / sensitivity of the constraint counts a silo releases"),
      SADDLE_DECK_KEY(privacy, adaptive_quantile, Rule::within(0, 1),
                      "adaptive clipping: target share of records whose norm is <= C"),
      SADDLE_DECK_KEY(privacy, adaptive_lr, Rule::above(0),
                      "adaptive clipping: C <- C exp(-lr (unclipped share - quantile))"),
      SADDLE_DECK_KEY(privacy, adaptive_noise, Rule::above(0),
                      "adaptive clipping: noise std on each silo's count of unclipped records"),
      SADDLE_DECK_KEY(privacy, accountant, Rule::oneOf({"rdp", "pld"}),
                      "privacy accountant: Renyi DP, or privacy loss distributions (tighter)"),
      SADDLE_DECK_KEY(privacy, delta, Rule::aboveUpTo(0, 1),
                      "delta of the reported (epsilon, delta)"),
      SADDLE_DECK_KEY(privacy, epsilon_budget, Rule::atLeast(0),
                      "stop at the last round whose epsilon fits this budget; 0 = no budget"),
      SADDLE_DECK_KEY(privacy, target_epsilon, Rule::atLeast(0),
                      "> 0: choose noise_multiplier so that run.rounds spend this epsilon"),
      SADDLE_DECK_KEY(privacy, calibrate, Rule::oneOf({"gradient", "all"}),
                      "target_epsilon sets the gradient's noise multiplier (the others fixed), "
                      "or scales every noise multiplier by one factor (keeping their ratios)"),
      SADDLE_DECK_KEY(privacy, secure, Rule::anything(),
                      "CSPRNG randomness and discrete Gaussian noise (not reproducible)"),
      SADDLE_DECK_KEY(problem, constraint,
                      Rule::oneOf({"none", "demographic_parity", "equalized_odds", "group_accuracy",
                                   "fermi_dp", "fermi_eo"}),
                      "fairness requirement: rate constraints (demographic parity, equalized "
                      "odds), per-group accuracy constraints, or FERMI's ERMI min-max "
                      "regularizer (demographic parity, equalized odds)"),
      SADDLE_DECK_KEY(problem, tolerance, Rule::within(0, 1),
                      "allowed rate gap |P(yhat=1 | g) - P(yhat=1)| (equalized_odds: given y); "
                      "group_accuracy: allowed excess of a group's error increase"),
      SADDLE_DECK_KEY(problem, fermi_lambda, Rule::atLeast(0),
                      "fermi_*: weight lambda of the ERMI regularizer"),
      SADDLE_DECK_KEY(problem, fermi_w, Rule::oneOf({"best_response", "ascent"}),
                      "fermi_*: W set to its best response, or moved by projected ascent"),
      SADDLE_DECK_KEY(problem, fermi_w_lr, Rule::above(0), "fermi_* ascent: step size of W"),
      SADDLE_DECK_KEY(problem, fermi_w_radius, Rule::above(0),
                      "fermi_* ascent: radius of the Frobenius ball W is projected onto"),
      SADDLE_DECK_KEY(problem, reference_model, Rule::anything(),
                      "group_accuracy: checkpoint whose model is the reference; \"\" = "
                      "compare with the overall error only"),
      SADDLE_DECK_KEY(problem, enters_primal, Rule::anything(),
                      "false: the constraints' proxies do not enter the model's update"),
      SADDLE_DECK_KEY(problem, enters_dual, Rule::anything(),
                      "false: the multipliers are not updated (they keep their values)"),
      SADDLE_DECK_KEY(
          checkpoint,
          every, Rule::atLeast(0),
          "write a checkpoint every N rounds; 0 = only at the end and on SIGUSR1/SIGTERM"),
      SADDLE_DECK_KEY(checkpoint, keep, Rule::atLeast(1), "keep the last K checkpoints"),
      SADDLE_DECK_KEY(checkpoint, dir, Rule::anything(),
                      "checkpoint folder; \"\" = <run.output_dir>/checkpoints"),
      SADDLE_DECK_KEY(
          dual, optimizer,
          Rule::oneOf({"gradient_ascent", "nupi", "optimistic", "extragradient", "adam"}),
          "multiplier optimizer (extragradient needs update_order = extrapolation)"),
      SADDLE_DECK_KEY(dual, lr, Rule::above(0), "dual step size eta"),
      SADDLE_DECK_KEY(dual, kp, Rule::anything(), "nuPI proportional gain K_P"),
      SADDLE_DECK_KEY(dual, ki, Rule::atLeast(0), "nuPI integral gain K_I"),
      SADDLE_DECK_KEY(dual, nu, Rule::range(0, 1, false), "nuPI EMA coefficient nu, in [0, 1)"),
      SADDLE_DECK_KEY(dual, init, Rule::oneOf({"zeros", "sgd"}),
                      "nuPI initialization of xi: zeros, or the first error (sgd)"),
      SADDLE_DECK_KEY(dual, optimism, Rule::atLeast(0), "optimistic ascent weight"),
      SADDLE_DECK_KEY(dual, beta1, Rule::range(0, 1, false), "adam first-moment decay"),
      SADDLE_DECK_KEY(dual, beta2, Rule::range(0, 1, false), "adam second-moment decay"),
      SADDLE_DECK_KEY(dual, epsilon, Rule::above(0), "adam denominator guard"),
      SADDLE_DECK_KEY(dual, decay, Rule::atLeast(0),
                      "dual weight decay: the resilient relaxation of Feasible Learning"),
      SADDLE_DECK_KEY(dual, restarts, Rule::anything(),
                      "reset strictly satisfied inequalities' multipliers (and state) to 0"),
      SADDLE_DECK_KEY(dual, restart_margin, Rule::atLeast(0),
                      "dual restarts apply where g < -restart_margin"),
      SADDLE_DECK_KEY(
          formulation, name,
          Rule::oneOf({"lagrangian", "augmented_lagrangian", "quadratic_penalty", "fixed_penalty"}),
          "how constraints enter the primal objective"),
      SADDLE_DECK_KEY(formulation, penalty, Rule::atLeast(0),
                      "penalty coefficient c (> 0 for augmented_lagrangian, quadratic_penalty)"),
      SADDLE_DECK_KEY(formulation, penalty_update,
                      Rule::oneOf({"none", "multiplicative", "additive"}),
                      "how c grows while a constraint is violated"),
      SADDLE_DECK_KEY(formulation, penalty_growth, Rule::above(1), "multiplicative growth factor"),
      SADDLE_DECK_KEY(formulation, penalty_increment, Rule::above(0), "additive increment"),
      SADDLE_DECK_KEY(formulation, penalty_tolerance, Rule::atLeast(0),
                      "grow c only while the violation exceeds this"),
      SADDLE_DECK_KEY(formulation, penalty_max, Rule::above(0), "c never grows beyond this"),
      SADDLE_DECK_KEY(formulation, penalty_reset_feasible, Rule::anything(),
                      "reset c of strictly feasible inequalities to its initial value"),
      SADDLE_DECK_KEY(schedule, kind, Rule::oneOf({"constant", "linear", "geometric"}),
                      "tolerance schedule from schedule.start to problem.tolerance"),
      SADDLE_DECK_KEY(schedule, start, Rule::anything(), "tolerance at round 0"),
      SADDLE_DECK_KEY(schedule, rounds, Rule::atLeast(1), "rounds to reach problem.tolerance"),
      SADDLE_DECK_KEY(cmp, problem, Rule::oneOf({"svm_iris", "feasible_learning", "alm_toy"}),
                      "saddle-cmp: the small constrained problem solved"),
      SADDLE_DECK_KEY(cmp, steps, Rule::atLeast(1), "saddle-cmp: min-max steps"),
      SADDLE_DECK_KEY(cmp, path, Rule::nonEmpty(),
                      "saddle-cmp: Iris CSV (relative paths: to the deck's folder)"),
      SADDLE_DECK_KEY(cmp, epsilon, Rule::above(0),
                      "saddle-cmp feasible_learning: bound on every sample's loss"),
      SADDLE_DECK_KEY(cmp, resilient, Rule::atLeast(0),
                      "saddle-cmp feasible_learning: > 0 relaxes the constraints (resilient)"),
      SADDLE_DECK_KEY(cmp, tolerance, Rule::above(0),
                      "saddle-cmp: distance to the reference solution counted as converged"),
      SADDLE_DECK_KEY(petsc, options, Rule::anything(),
                      "PETSc options, passed unchanged (prefix saddle_)"),
  };
  return table;
}

#undef SADDLE_DECK_KEY

/// The field of `spec` in a scratch Deck: tells the key's type.
Field probe(KeySpec const& spec) {
  static Deck scratch;
  return spec.field(scratch);
}

KeySpec const* findSpec(std::string const& key) {
  for (auto const& spec : specs())
    if (spec.key == key)
      return &spec;
  return nullptr;
}

std::string sectionOf(std::string const& key) {
  return key.substr(0, key.find('.'));
}
std::string nameOf(std::string const& key) {
  auto const dot = key.find('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

/// Section names in deck order.
std::vector<std::string> const& sections() {
  static std::vector<std::string> const names = [] {
    std::vector<std::string> out;
    for (auto const& spec : specs())
      if (out.empty() || out.back() != sectionOf(spec.key))
        out.push_back(sectionOf(spec.key));
    return out;
  }();
  return names;
}

std::string joined(std::vector<std::string> const& items, char const* separator) {
  std::string out;
  for (auto const& item : items)
    out += (out.empty() ? "" : separator) + item;
  return out;
}

// ---- values as text ----------------------------------------------------------------------------

/// Shortest decimal that reads back to exactly `v` ("inf", "-inf", "nan" for the specials).
std::string formatFloat(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buffer[40];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
    if (std::strtod(buffer, nullptr) == v)
      break;
  }
  return buffer;
}

/// A float as TOML reads it back as a float: with a '.' or an exponent.
std::string tomlFloat(double v) {
  std::string text = formatFloat(v);
  if (text.find_first_of(".eni") == std::string::npos)
    text += ".0";
  return text;
}

/// A TOML basic string.
std::string quote(std::string const& s) {
  std::string out = "\"";
  for (char const c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// The value of a field, as TOML (`toml`) or for a message (floats without a forced ".0").
std::string fieldText(Field const& field, bool toml) {
  struct Visitor {
    bool toml;
    std::string operator()(std::int64_t const* v) const { return std::to_string(*v); }
    std::string operator()(std::uint64_t const* v) const { return std::to_string(*v); }
    std::string operator()(double const* v) const { return toml ? tomlFloat(*v) : formatFloat(*v); }
    std::string operator()(bool const* v) const { return *v ? "true" : "false"; }
    std::string operator()(std::string const* v) const { return quote(*v); }
  };
  return std::visit(Visitor{toml}, field);
}

char const* fieldTypeName(Field const& field) {
  static char const* const names[] = {"integer", "integer", "float", "boolean", "string"};
  return names[field.index()];
}

char const* nodeTypeName(toml::node const& node) {
  static_assert(static_cast<int>(toml::node_type::date_time) == 9, "toml::node_type changed");
  static char const* const names[] = {"none",  "table",   "array", "string", "integer",
                                      "float", "boolean", "date",  "time",   "date-time"};
  return names[static_cast<int>(node.type())];
}

/// A TOML value for a message, cut to 60 characters.
std::string nodeText(toml::node const& node) {
  std::string text;
  if (auto const* s = node.as_string())
    text = quote(s->get());
  else if (auto const* f = node.as_floating_point())
    text = formatFloat(f->get());
  else {
    std::ostringstream os;
    node.visit([&os](auto const& n) { os << n; });
    text = os.str();
  }
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

// ---- rules -------------------------------------------------------------------------------------

std::string allowedText(KeySpec const& spec) {
  Rule const& r = spec.rule;
  Field const field = probe(spec);
  if (std::holds_alternative<bool*>(field))
    return "true | false";
  if (std::holds_alternative<std::string*>(field)) {
    if (!r.choices.empty()) {
      std::vector<std::string> quoted;
      for (auto const& c : r.choices)
        quoted.push_back(quote(c));
      return joined(quoted, " | ");
    }
    return r.non_empty ? "non-empty string" : "any string";
  }
  std::string text;
  if (std::isinf(r.hi))
    text = (r.lo_open ? "> " : ">= ") + formatFloat(r.lo);
  else
    text = (r.lo_open ? "(" : "[") + formatFloat(r.lo) + ", " + formatFloat(r.hi) + "]";
  if (std::holds_alternative<double*>(field) && std::isinf(r.hi))
    text += r.inf_ok ? " (inf allowed)" : ", finite";
  return text;
}

/// Whether the number `v` passes `r` (`is_float`: finite unless inf_ok). NaN never passes.
bool numberAllowed(double v, Rule const& r, bool is_float) {
  if (std::isnan(v))
    return false;
  if (std::isinf(v))
    return is_float && v > 0 && r.inf_ok;
  bool const lo_ok = r.lo_open ? v > r.lo : v >= r.lo;
  return lo_ok && v <= r.hi;
}

bool valueAllowed(Field const& field, Rule const& r) {
  if (auto const* s = std::get_if<std::string*>(&field)) {
    if (!r.choices.empty())
      return std::find(r.choices.begin(), r.choices.end(), **s) != r.choices.end();
    return !(r.non_empty && (*s)->empty());
  }
  if (std::holds_alternative<bool*>(field))
    return true;
  if (auto const* u = std::get_if<std::uint64_t*>(&field)) {
    if (**u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return false; // not a TOML integer
    return numberAllowed(static_cast<double>(**u), r, false);
  }
  if (auto const* i = std::get_if<std::int64_t*>(&field))
    return numberAllowed(static_cast<double>(**i), r, false);
  return numberAllowed(*std::get<double*>(field), r, true);
}

[[noreturn]] void throwNotAllowed(std::string const& where, KeySpec const& spec,
                                  std::string const& value) {
  bool const is_string = std::holds_alternative<std::string*>(probe(spec));
  throw InputError(where + ": key '" + spec.key + "' = " + value +
                   (is_string ? " is not allowed" : " is out of range") +
                   " (allowed: " + allowedText(spec) + ")");
}

// ---- suggestions -------------------------------------------------------------------------------

std::size_t editDistance(std::string const& a, std::string const& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t const above_cell = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above_cell;
    }
  }
  return row[b.size()];
}

/// The candidate nearest to `word` if within max(2, |word| / 3) edits, else "".
std::string closest(std::string const& word, std::vector<std::string> const& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (auto const& candidate : candidates) {
    std::size_t const d = editDistance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

/// " (did you mean 'x'?)" for an unknown key (full or bare name), else a list of choices.
std::string keyHint(std::string const& key) {
  std::vector<std::string> all;
  for (auto const& spec : specs())
    all.push_back(spec.key);
  std::string best = closest(key, all);
  for (auto const& spec : specs())
    if (best.empty() && nameOf(spec.key) == nameOf(key))
      best = spec.key; // the right name in the wrong section
  if (!best.empty())
    return " (did you mean '" + best + "'?)";
  std::vector<std::string> names;
  for (auto const& spec : specs())
    if (sectionOf(spec.key) == sectionOf(key))
      names.push_back(nameOf(spec.key));
  if (names.empty() || key.find('.') == std::string::npos)
    return " (sections: " + joined(sections(), ", ") + ")";
  return " (keys of [" + sectionOf(key) + "]: " + joined(names, ", ") + ")";
}

std::string sectionHint(std::string const& section) {
  std::string const best = closest(section, sections());
  if (!best.empty())
    return " (did you mean '" + best + "'?)";
  return " (sections: " + joined(sections(), ", ") + ")";
}

// ---- parsing -----------------------------------------------------------------------------------

std::string lineOf(std::string const& source, toml::node const& node) {
  return source + ":" + std::to_string(node.source().begin.line);
}

/// Store `node` into `field` if the types fit (integers also fit float keys); false if not.
bool store(KeySpec const& spec, Field const& field, toml::node const& node,
           std::string const& where) {
  if (auto const* i = node.as_integer()) {
    std::int64_t const v = i->get();
    if (auto const* s = std::get_if<std::int64_t*>(&field))
      **s = v;
    else if (auto const* d = std::get_if<double*>(&field))
      **d = static_cast<double>(v);
    else if (auto const* u = std::get_if<std::uint64_t*>(&field); u && v >= 0)
      **u = static_cast<std::uint64_t>(v);
    else if (u)
      throwNotAllowed(where, spec, std::to_string(v));
    else
      return false;
    return true;
  }
  if (auto const* d = std::get_if<double*>(&field); d && node.is_floating_point())
    **d = node.as_floating_point()->get();
  else if (auto const* b = std::get_if<bool*>(&field); b && node.is_boolean())
    **b = node.as_boolean()->get();
  else if (auto const* t = std::get_if<std::string*>(&field); t && node.is_string())
    **t = node.as_string()->get();
  else
    return false;
  return true;
}

/// Set `field` from `node`, or throw naming `where`, the key and both types.
void assign(KeySpec const& spec, Field const& field, toml::node const& node,
            std::string const& where) {
  if (!store(spec, field, node, where))
    throw InputError(where + ": key '" + spec.key + "' has type " + nodeTypeName(node) + " (" +
                     nodeText(node) + "), expected " + fieldTypeName(field));
}

/// One item of a parsed deck: a key inside a known section (depth 2) or anything else at
/// the top level (depth 1, always an error).
struct Entry {
  std::string key;
  toml::node const* node;
  int depth;
};

/// The deck's items in file order, so that the first error reported is the first in the file.
std::vector<Entry> entriesOf(toml::table const& root) {
  std::vector<Entry> entries;
  for (auto const& [section_key, section_node] : root) {
    std::string const section(section_key.str());
    auto const* table = section_node.as_table();
    bool const known = std::find(sections().begin(), sections().end(), section) != sections().end();
    if (!table || !known) {
      entries.push_back({section, &section_node, 1});
      continue;
    }
    for (auto const& [name, node] : *table)
      entries.push_back({section + "." + std::string(name.str()), &node, 2});
  }
  auto const position = [](Entry const& e) {
    auto const& p = e.node->source().begin;
    return std::make_pair(p.line, p.column);
  };
  std::stable_sort(entries.begin(), entries.end(),
                   [&](Entry const& a, Entry const& b) { return position(a) < position(b); });
  return entries;
}

/// Throws the error for a top-level item that is not a known [section].
[[noreturn]] void throwTopLevel(Entry const& e, std::string const& where) {
  bool const known = std::find(sections().begin(), sections().end(), e.key) != sections().end();
  if (known)
    throw InputError(where + ": section '" + e.key + "' has type " + nodeTypeName(*e.node) + " (" +
                     nodeText(*e.node) + "), expected table ([" + e.key + "])");
  if (e.node->is_table())
    throw InputError(where + ": unknown section '" + e.key + "'" + sectionHint(e.key));
  throw InputError(where + ": key '" + e.key + "' is outside any [section]" + keyHint(e.key));
}

void applyEntry(Deck& deck, std::map<std::string, std::string>& origins, Entry const& e,
                std::string const& source) {
  std::string const line = lineOf(source, *e.node);
  std::string const where = kPrefix + line;
  if (e.depth == 1)
    throwTopLevel(e, where);
  KeySpec const* spec = findSpec(e.key);
  if (!spec && e.node->is_table())
    throw InputError(where + ": table '" + e.key +
                     "' is nested too deep (decks hold [section] tables of key = value only)");
  if (!spec)
    throw InputError(where + ": unknown key '" + e.key + "'" + keyHint(e.key));
  assign(*spec, spec->field(deck), *e.node, where);
  origins[e.key] = line;
}

// ---- overrides ---------------------------------------------------------------------------------

std::string trim(std::string const& s) {
  auto const begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos)
    return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

/// A one-entry table {x = value}: `value` read as one TOML value, or as a bare string when it
/// is not one (or when a string key is given something else: `--set run.output_dir=2024`).
toml::table overrideValue(std::string const& value, bool string_key) {
  toml::table parsed;
  try {
    parsed = toml::parse("x = " + value, std::string_view{"--set"});
  } catch (toml::parse_error const&) {
    parsed = toml::table{};
  }
  auto const* node = parsed.get("x");
  if (parsed.size() == 1 && node && (!string_key || node->is_string()))
    return parsed;
  toml::table bare;
  bare.insert("x", value);
  return bare;
}

void applyOverride(Deck& deck, std::map<std::string, std::string>& origins, std::string const& text,
                   std::string const& source) {
  std::string const origin = source + " (from --set)";
  std::string const where = kPrefix + origin;
  auto const eq = text.find('=');
  std::string const key = trim(text.substr(0, eq));
  auto const dot = key.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot == 0 || dot + 1 == key.size())
    throw InputError(where + ": malformed override '" + text + "' (expected section.key=value)");
  KeySpec const* spec = findSpec(key);
  if (!spec)
    throw InputError(where + ": unknown key '" + key + "'" + keyHint(key));
  Field const field = spec->field(deck);
  toml::table const value =
      overrideValue(trim(text.substr(eq + 1)), std::holds_alternative<std::string*>(field));
  assign(*spec, field, *value.get("x"), where);
  origins[key] = origin;
}

// ---- files -------------------------------------------------------------------------------------

/// "1" + the file's bytes, or "0" + the message saying why it cannot be read. Never throws,
/// so that rank 0 always reaches the broadcast.
std::string readDeckFile(std::string const& path) {
  auto const failure = [&path](int error) {
    return "0" + kPrefix + "cannot read deck file '" + path + "' (" + std::strerror(error) + ")";
  };
  try {
    struct Closer {
      void operator()(std::FILE* f) const { std::fclose(f); }
    };
    errno = 0;
    std::unique_ptr<std::FILE, Closer> const file(std::fopen(path.c_str(), "rb"));
    if (!file)
      return failure(errno);
    std::string text = "1";
    char buffer[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
      text.append(buffer, n);
    if (std::ferror(file.get()))
      return failure(errno != 0 ? errno : EIO);
    return text;
  } catch (std::exception const& e) {
    return "0" + kPrefix + "cannot read deck file '" + path + "' (" + e.what() + ")";
  }
}

} // namespace

// ---- Deck --------------------------------------------------------------------------------------

Deck Deck::fromText(std::string const& text, std::string const& source,
                    std::vector<std::string> const& overrides) {
  Deck deck;
  deck._source = source;
  deck._text = text;
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (toml::parse_error const& e) {
    auto const& p = e.source().begin;
    throw InputError(kPrefix + source + ":" + std::to_string(p.line) + ":" +
                     std::to_string(p.column) +
                     ": TOML syntax error: " + std::string(e.description()));
  }
  for (auto const& entry : entriesOf(root))
    applyEntry(deck, deck._origins, entry, source);
  for (auto const& item : overrides)
    applyOverride(deck, deck._origins, item, source);
  deck.validate();
  return deck;
}

Deck Deck::fromFile(std::string const& path, mpi::Comm const& comm,
                    std::vector<std::string> const& overrides) {
  std::string payload; // "1" + text, or "0" + the error every rank throws
  if (comm.rank() == 0)
    payload = readDeckFile(path);
  comm.broadcast(payload);
  if (payload.empty() || payload[0] != '1')
    throw InputError(payload.empty() ? kPrefix + "cannot read deck file '" + path + "'"
                                     : payload.substr(1));
  Deck deck = fromText(payload.substr(1), path, overrides);
  deck._base_dir = std::filesystem::path(path).parent_path().string();
  if (deck._base_dir.empty())
    deck._base_dir = ".";
  return deck;
}

std::string Deck::origin(std::string const& key) const {
  auto const it = _origins.find(key);
  return kPrefix + (it != _origins.end() ? it->second : _source);
}

void Deck::validate() const {
  // Fields are only read here; the table's accessors take a Deck& to serve parsing as well.
  Deck& self = const_cast<Deck&>(*this);
  for (auto const& spec : specs()) {
    Field const field = spec.field(self);
    if (!valueAllowed(field, spec.rule))
      throwNotAllowed(origin(spec.key), spec, fieldText(field, false));
  }
  validateCrossKeys();
}

void Deck::validateCrossKeys() const {
  // Each message is placed at the line of `at` (the key whose value makes the rule apply).
  auto const fail = [this](std::string const& key, std::string const& value,
                           std::string const& rule, std::string const& at) {
    throw InputError(origin(_origins.count(key) ? key : at) + ": key '" + key + "' = " + value +
                     " is not allowed (" + rule + ")");
  };
  if (data.source != "synthetic" && data.path.empty())
    fail("data.path", quote(data.path),
         "a file is required when data.source = " + quote(data.source), "data.source");
  if (data.source == "synthetic" && !data.feature_columns.empty())
    fail("data.feature_columns", quote(data.feature_columns),
         "selects columns of a file: needs data.source = \"csv\" or \"hdf5\"", "data.source");
  if (federated.participating > silos.count)
    fail("federated.participating", std::to_string(federated.participating),
         "at most silos.count = " + std::to_string(silos.count), "silos.count");
  if (privacy.enabled && privacy.sampling != "poisson" &&
      (federated.algorithm != "minibatch_sgd" || federated.participating > 0))
    fail("privacy.sampling", quote(privacy.sampling),
         "local_sgd, spider and partial participation (federated.participating > 0) are "
         "accounted per Poisson-sampled step: allowed \"poisson\"",
         federated.participating > 0 ? "federated.participating" : "federated.algorithm");
  if (privacy.enabled && privacy.clipping == "adaptive" && federated.algorithm != "minibatch_sgd")
    fail("privacy.clipping", quote(privacy.clipping),
         "adaptive clipping releases one count per round: allowed \"flat\" or \"per_layer\" "
         "with federated.algorithm = " +
             quote(federated.algorithm),
         "federated.algorithm");
  if (privacy.enabled && privacy.secure && federated.algorithm == "spider")
    fail("privacy.secure", "true",
         "spider's large batches use the counter-based sampler: allowed false with spider",
         "federated.algorithm");
  if (federated.aggregation == "reproducible" && silos.count >= (std::int64_t{1} << 22))
    fail("silos.count", std::to_string(silos.count),
         "the reproducible aggregation sums at most 2^22 - 1 silos exactly",
         "federated.aggregation");
  if (data.source == "synthetic" && silos.count > data.n_samples)
    fail("silos.count", std::to_string(silos.count),
         "at most data.n_samples = " + std::to_string(data.n_samples) + ": every silo needs a row",
         "data.n_samples");
  if (privacy.enabled && std::isinf(privacy.clip_norm) && privacy.noise_multiplier > 0)
    fail("privacy.noise_multiplier", formatFloat(privacy.noise_multiplier),
         "must be 0 when privacy.clip_norm = inf: the noise std sigma * C would be infinite",
         "privacy.clip_norm");
  if (privacy.enabled && privacy.sampling == "poisson" && privacy.neighbouring != "add_remove")
    fail("privacy.neighbouring", quote(privacy.neighbouring),
         "Poisson sampling is accounted under \"add_remove\" neighbours", "privacy.sampling");
  if (privacy.enabled && privacy.sampling == "shuffle" && privacy.neighbouring != "replace_one")
    fail("privacy.neighbouring", quote(privacy.neighbouring),
         "shuffled fixed-size batches are accounted under \"replace_one\" neighbours: adding a "
         "record would move every other record's batch",
         "privacy.sampling");
  if (privacy.enabled && privacy.secure && privacy.sampling != "poisson")
    fail("privacy.sampling", quote(privacy.sampling),
         "secure mode samples with a CSPRNG and supports \"poisson\" only", "privacy.secure");
  if (privacy.enabled && privacy.clipping == "adaptive" && std::isinf(privacy.clip_norm))
    fail("privacy.clip_norm", "inf", "adaptive clipping needs a finite starting clip norm",
         "privacy.clipping");
  if (privacy.target_epsilon > 0 && !privacy.enabled)
    fail("privacy.target_epsilon", formatFloat(privacy.target_epsilon),
         "needs privacy.enabled = true", "privacy.enabled");
  if (privacy.target_epsilon > 0 && privacy.epsilon_budget > 0 &&
      privacy.target_epsilon > privacy.epsilon_budget)
    fail("privacy.target_epsilon", formatFloat(privacy.target_epsilon),
         "must not exceed privacy.epsilon_budget = " + formatFloat(privacy.epsilon_budget),
         "privacy.epsilon_budget");
}

std::string Deck::toToml() const {
  Deck& self = const_cast<Deck&>(*this); // read only, as in validate()
  std::string out;
  std::string section;
  for (auto const& spec : specs()) {
    if (sectionOf(spec.key) != section) {
      section = sectionOf(spec.key);
      out += (out.empty() ? "[" : "\n[") + section + "]\n";
    }
    out += nameOf(spec.key) + " = " + fieldText(spec.field(self), true) + "\n";
  }
  return out;
}

std::vector<std::string> Deck::differences(Deck const& other,
                                           std::vector<std::string> const& ignore) const {
  Deck& self = const_cast<Deck&>(*this); // read only, as in toToml()
  Deck& that = const_cast<Deck&>(other);
  std::vector<std::string> out;
  for (auto const& spec : specs()) {
    if (std::find(ignore.begin(), ignore.end(), spec.key) != ignore.end())
      continue;
    std::string const a = fieldText(spec.field(self), true);
    std::string const b = fieldText(spec.field(that), true);
    if (a != b)
      out.push_back(spec.key + ": " + a + " -> " + b);
  }
  return out;
}

std::vector<DeckKeyInfo> const& Deck::keys() {
  static std::vector<DeckKeyInfo> const infos = [] {
    Deck defaults;
    std::vector<DeckKeyInfo> out;
    for (auto const& spec : specs()) {
      Field const field = spec.field(defaults);
      out.push_back({spec.key, fieldTypeName(field), fieldText(field, true), allowedText(spec),
                     spec.description});
    }
    return out;
  }();
  return infos;
}

} // namespace saddle
