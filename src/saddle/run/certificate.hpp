#pragma once
/// The KKT certificate of a federated run's final point (linalg/kkt.hpp) on the whole training
/// split: feasibility max_j g_j+ of the true (thresholded) constraints, complementarity
/// max_j |lambda_j g_j|, and stationarity min_{lambda >= 0} ||grad f + J^T lambda|| with J the
/// gradients of the constraints' differentiable proxies (what the primal player follows).
/// Diagnostics of the run, computed outside the private protocol like the evaluation.
#include "saddle/linalg/kkt.hpp"
#include "saddle/run/experiment.hpp"
#include "saddle/run/metrics.hpp"

namespace saddle {

/// Needs a live petsc::Session (the drivers and test mains hold one); without one, without
/// constraints, or in a build without PETSc (SADDLE_ENABLE_PETSC=OFF), returns an empty
/// certificate (all zero, fit_reason says why). Collective.
linalg::KktCertificate certifyRun(Experiment& x, Evaluation const& train,
                                  std::vector<double> const& lambda);

} // namespace saddle
