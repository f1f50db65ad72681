#pragma once
/// The Deck: a parsed, validated TOML input file, as typed structs. Every key has a default,
/// an allowed range and a one-line description (the key table in deck.cpp, which also
/// generates inputs/README.md's table). Errors name the file, line, key, the bad value and what
/// is allowed; unknown keys are errors with a "did you mean" suggestion. Parsing is a pure
/// function of the text, so every rank that parses the same text fails or succeeds together.
#include "saddle/core/comm.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace saddle {

/// [run]: the loop and its outputs.
struct RunConfig {
  std::int64_t rounds = 300;             ///< training rounds (aggregations across silos)
  std::uint64_t seed = 20261125;         ///< master seed of every random stream
  std::int64_t log_every = 25;           ///< progress line every N rounds
  std::string output_dir = "saddle-out"; ///< where history.csv and summary.txt go
};

/// [data]: what is trained on.
struct DataConfig {
  std::string source = "synthetic";   ///< "synthetic" | "csv" | "hdf5"
  std::string path;                   ///< CSV or HDF5 file (relative paths: to the deck's folder)
  std::string label_column = "label"; ///< CSV: 0/1 label column
  std::string sensitive_column;       ///< CSV: group column; "" = first sensitive_* column
  std::string feature_columns;        ///< CSV: comma-separated feature columns; "" = all others
  std::int64_t n_samples = 20000;     ///< synthetic: rows
  std::int64_t n_features = 8;        ///< synthetic: features
  std::int64_t n_groups = 2;          ///< synthetic: groups
  double bias = 1.0;                  ///< synthetic: how strongly the label depends on the group
  double test_fraction = 0.25;        ///< share of rows held out for testing
  bool standardize = true;            ///< z-score features with training-split statistics
};

/// [silos]: who holds the data.
struct SiloConfig {
  std::int64_t count = 4;        ///< number of silos (data owners)
  std::string partition = "iid"; ///< "iid" | "dirichlet" | "group" | "quantile"
  double alpha = 0.5;            ///< dirichlet: concentration of the label shares per silo
  double heterogeneity = 0.5;    ///< group, quantile: share a silo takes from its own block
  std::string feature;           ///< quantile: the feature whose quantiles make the blocks
};

/// [federated]: the algorithm the silos and the server run each round.
struct FederatedConfig {
  std::string algorithm = "minibatch_sgd"; ///< "minibatch_sgd" | "local_sgd" | "spider"
  std::int64_t local_steps = 1;            ///< local_sgd: K noisy local steps per round
  std::int64_t participating = 0;          ///< silos chosen per round; 0 = all
  std::string aggregation = "fast";        ///< "fast" | "reproducible"
  std::int64_t spider_period = 10;         ///< spider: a fresh large-batch gradient every q rounds
  double spider_sampling_rate = 0.2;       ///< spider: Poisson rate of the large batches
};

/// [model]: what is trained.
struct ModelConfig {
  std::string kind = "logistic"; ///< "logistic" | "least_squares"
};

/// [optim]: the primal player and the order of the two players' updates.
struct OptimConfig {
  std::string primal = "sgd"; ///< "sgd" | "momentum" | "nesterov" | "adam" (saddle-cmp); "sgd"
  double lr = 0.5;            ///< primal step size
  double momentum = 0.9;      ///< momentum / nesterov coefficient (saddle-cmp)
  std::string update_order = "simultaneous"; ///< see optim/gda.hpp
  double l2 = 0.0; ///< ridge coefficient: the objective adds l2/2 ||w||^2 (bias excluded)
};

/// [dual]: the multipliers' optimizer (optim/dual_optimizer.hpp).
struct DualSection {
  std::string optimizer =
      "gradient_ascent";       ///< gradient_ascent | nupi | optimistic | extragradient | adam
  double lr = 0.5;             ///< eta
  double kp = 0.0;             ///< nuPI proportional gain
  double ki = 1.0;             ///< nuPI integral gain
  double nu = 0.0;             ///< nuPI EMA coefficient
  std::string init = "zeros";  ///< nuPI initialization: "zeros" | "sgd"
  double optimism = 1.0;       ///< optimistic ascent weight
  double beta1 = 0.9;          ///< adam
  double beta2 = 0.999;        ///< adam
  double epsilon = 1e-8;       ///< adam
  double decay = 0.0;          ///< dual weight decay (resilient relaxation)
  bool restarts = false;       ///< reset strictly satisfied inequalities' multipliers to 0
  double restart_margin = 0.0; ///< "strictly": g < -margin
};

/// [formulation]: how constraints enter the primal player's objective.
struct FormulationSection {
  std::string name =
      "lagrangian";     ///< lagrangian | augmented_lagrangian | quadratic_penalty | fixed_penalty
  double penalty = 1.0; ///< c
  std::string penalty_update = "none"; ///< none | multiplicative | additive
  double penalty_growth = 2.0;
  double penalty_increment = 1.0;
  double penalty_tolerance = 0.0;
  double penalty_max = 1e12;
  bool penalty_reset_feasible = false;
};

/// [schedule]: the constraint tolerance annealed from `start` to problem.tolerance.
struct ScheduleSection {
  std::string kind = "constant"; ///< constant | linear | geometric
  double start = 0.0;            ///< tolerance at round 0 (linear, geometric)
  std::int64_t rounds = 1;       ///< rounds from start to problem.tolerance
};

/// [cmp]: small constrained problems solved by saddle-cmp (host callbacks, all update orders).
struct CmpSection {
  std::string problem = "svm_iris";   ///< svm_iris | feasible_learning | alm_toy
  std::int64_t steps = 5000;          ///< min-max steps
  std::string path = "data/iris.csv"; ///< Iris CSV (relative: to the deck's folder)
  double epsilon = 0.3;               ///< feasible_learning: per-sample loss bound
  double resilient = 0.0;  ///< feasible_learning: > 0 relaxes (alpha of the resilient penalty)
  double tolerance = 1e-6; ///< convergence: ||lambda - lambda*|| or ||x - x*|| below this
};

/// [petsc]: options passed to PETSc unchanged (prefix saddle_), e.g. "-saddle_tao_gatol 1e-10".
struct PetscSection {
  std::string options;
};

/// [privacy]: per-silo record-level DP of every message a silo sends.
struct PrivacyConfig {
  bool enabled = true;              ///< false: no clipping, no noise (plain SGD on the sample)
  std::string sampling = "poisson"; ///< "poisson" | "shuffle" (fixed-size batches)
  std::string neighbouring = "add_remove"; ///< "add_remove" (poisson) | "replace_one" (shuffle)
  double sampling_rate = 0.05;         ///< q: Poisson rate, or batch size / silo size for shuffle
  std::string clipping = "flat";       ///< "flat" | "per_layer" | "adaptive"
  double clip_norm = 1.0;              ///< C: per-record gradient norm bound, > 0 (inf allowed)
  double noise_multiplier = 1.0;       ///< sigma: noise std is sigma * C; 0 = no noise
  double stats_noise_multiplier = 4.0; ///< noise std / sensitivity of released constraint counts
  double adaptive_quantile = 0.5;      ///< adaptive clipping: target share of unclipped records
  double adaptive_lr = 0.2;            ///< adaptive clipping: geometric step of the clip norm
  double adaptive_noise = 10.0;        ///< adaptive clipping: noise std on a silo's unclipped count
  std::string accountant = "rdp";      ///< "rdp" | "pld"
  double delta = 1e-5;                 ///< delta of the reported (epsilon, delta)
  double epsilon_budget = 0.0;         ///< stop before exceeding this epsilon; 0 = no budget
  double target_epsilon = 0.0;        ///< > 0: calibrate noise_multiplier to reach it at run.rounds
  std::string calibrate = "gradient"; ///< "gradient" | "all": what target_epsilon scales
  bool secure = false;                ///< CSPRNG + discrete Gaussian noise (not reproducible)
};

/// [problem]: objective and constraints.
struct ProblemConfig {
  std::string constraint = "demographic_parity"; ///< see the key table in deck.cpp
  double tolerance = 0.05;               ///< allowed rate gap, or accuracy drop (group_accuracy)
  double fermi_lambda = 1.0;             ///< fermi_*: weight of the ERMI regularizer
  std::string fermi_w = "best_response"; ///< fermi_*: "best_response" | "ascent"
  double fermi_w_lr = 0.1;               ///< fermi_* ascent: step size of W
  double fermi_w_radius = 10.0;          ///< fermi_* ascent: Frobenius-ball radius of W
  std::string reference_model;           ///< group_accuracy: checkpoint of the reference model
  bool enters_primal = true; ///< false: the constraints do not steer the model (monitor only)
  bool enters_dual = true;   ///< false: the multipliers keep their values (no dual step)
};

/// [checkpoint]: restart files of the whole state.
struct CheckpointConfig {
  std::int64_t every = 0; ///< write every N rounds; 0 = only at the end and on a signal
  std::int64_t keep = 3;  ///< keep the last K checkpoints
  std::string dir;        ///< folder; "" = <run.output_dir>/checkpoints
};

/// One described deck key, for validation messages and for inputs/README.md.
struct DeckKeyInfo {
  std::string key;          ///< "section.name"
  std::string type;         ///< "integer" | "float" | "boolean" | "string"
  std::string default_text; ///< default, as TOML
  std::string allowed;      ///< the allowed values or range, in words
  std::string description;  ///< one line
};

class Deck {
public:
  RunConfig run;
  DataConfig data;
  SiloConfig silos;
  FederatedConfig federated;
  ModelConfig model;
  OptimConfig optim;
  PrivacyConfig privacy;
  ProblemConfig problem;
  DualSection dual;
  FormulationSection formulation;
  ScheduleSection schedule;
  CheckpointConfig checkpoint;
  CmpSection cmp;
  PetscSection petsc;

  /// Parse TOML `text` named `source` (a path, for messages), then apply `overrides`
  /// ("section.key=value", value in TOML syntax or a bare string), then validate.
  /// Throws InputError naming source, line, key, value and the rule.
  static Deck fromText(std::string const& text, std::string const& source,
                       std::vector<std::string> const& overrides = {});
  /// Rank 0 reads `path` and broadcasts its text; every rank parses it. Collective on `comm`.
  /// A missing or unreadable file is an InputError on every rank.
  static Deck fromFile(std::string const& path, mpi::Comm const& comm,
                       std::vector<std::string> const& overrides = {});

  /// Check ranges and cross-key rules; throws InputError("saddle::Deck: <source>: key ...").
  void validate() const;

  /// The effective deck (every key, defaults included) as TOML text, for logs and outputs.
  std::string toToml() const;

  /// Keys whose values differ between this deck and `other` (as "key: a -> b"), ignoring
  /// the keys in `ignore` (e.g. those a restart may change).
  std::vector<std::string> differences(Deck const& other,
                                       std::vector<std::string> const& ignore) const;

  /// Every key with its type, default, range and description, in deck order.
  static std::vector<DeckKeyInfo> const& keys();

  std::string const& source() const { return _source; }
  /// Folder of the deck file ("" for text decks): relative data paths resolve against it.
  std::string const& baseDir() const { return _base_dir; }
  /// Text of the deck as given (before overrides), for checkpoints and outputs.
  std::string const& text() const { return _text; }

private:
  /// "saddle::Deck: <where>" for messages about `key`: the file and line that set it,
  /// "<source> (from --set)" for overrides, the source alone for defaults.
  std::string origin(std::string const& key) const;
  /// Rules that tie several keys together (part of validate()).
  void validateCrossKeys() const;

  std::string _source;
  std::string _base_dir;
  std::string _text;
  std::map<std::string, std::string> _origins; ///< key -> "<source>:<line>" where it was set
};

} // namespace saddle
