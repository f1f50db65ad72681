// Workloads 1-4: one epoch of (DP-)SGD on logistic regression (n = 200,000, d = 256, batch
// 1024) and on an MLP 256-512-512-10 (n = 100,000, batch 256), float32, C = 1, sigma = 1,
// shuffled fixed-size batches. The ranks share the samples (a block each, batch / ranks per
// step) and sum their clipped gradients with one MPI_Allreduce per step; each rank adds the
// Gaussian noise of its slice of the parameters, so the sum carries it exactly once.
#include "kernels/dense.hpp"
#include "kernels/models_batches.hpp"
#include "kernels/models_noise.hpp"
#include "saddle/models/glm_model.hpp"
#include "saddle/models/mlp.hpp"

#include "bench_common.hpp"
#include "bench_data.hpp"
#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>

namespace saddle::bench {

namespace {

constexpr std::uint64_t kSeed = 20250502;
constexpr double kClip = 1.0, kSigma = 1.0;

/// Everything one (DP-)SGD run holds: its model, data shard, batch and gradient buffers.
template <class Model> struct SgdRun {
  std::shared_ptr<Shard const> data;
  mpi::Comm comm;
  Model model;
  std::int64_t batch_global, batch_local, steps;
  bool dp;
  double lr;
  Vector<std::int64_t> idx;
  Vector<double> grad, none;
  Vector<float> no_norms{"saddle::bench::no_norms", 0};

  /// [lo, hi): the parameters whose noise this rank draws.
  std::pair<std::int64_t, std::int64_t> noiseSlice() const {
    std::int64_t const p = model.numParams();
    return {p * comm.rank() / comm.size(), p * (comm.rank() + 1) / comm.size()};
  }
};

std::int64_t batchesPerEpoch(Shard const& s, mpi::Comm const& comm, std::int64_t batch_local) {
  // the smallest block decides, so that every rank takes the same number of steps
  return (s.n_global / comm.size()) / batch_local;
}

/// One step: batch, fused clipped sum (into a zeroed gradient unless the pass overwrites it),
/// noise on this rank's slice, allreduce. The caller updates the parameters.
template <class Model, class Pass>
void sgdStep(SgdRun<Model>& run, std::int64_t epoch, std::int64_t t,
             kernels::KeyedPermutation const& perm, Pass const& pass, bool pass_overwrites,
             PhaseClock& clock) {
  ExecSpace space;
  {
    compat::ScopedRegion region("saddle::bench::batch");
    kernels::permutedBatch(space, perm, t * run.batch_local, run.batch_local, 0, run.idx);
    if (!pass_overwrites)
      kernels::zero(space, run.grad);
  }
  clock.mark("batch");
  {
    compat::ScopedRegion region("saddle::bench::clippedSum");
    pass(space); // sum_i min(1, C / ||g_i||) g_i  (or sum_i g_i without DP)
  }
  clock.mark("per-sample pass + clipped sum");
  if (run.dp) {
    compat::ScopedRegion region("saddle::bench::noise");
    auto const [lo, hi] = run.noiseSlice(); // + N(0, sigma^2 C^2) on this rank's slice
    rng::Key const key{kSeed, rng::Purpose::GradNoise, 0,
                       static_cast<std::uint64_t>(epoch * run.steps + t)};
    kernels::addGaussianNoiseFast(space, run.grad, lo, hi - lo, kSigma * kClip, key,
                                  static_cast<std::uint64_t>(lo));
    clock.mark("noise");
  }
  {
    compat::ScopedRegion region("saddle::bench::allreduce");
    allreduceSum(space, run.comm, run.grad);
  }
  clock.mark("allreduce");
}

/// One epoch of a GLM run; returns the samples processed by all ranks.
std::int64_t glmEpoch(SgdRun<GlmModel<float>>& run, std::int64_t epoch, PhaseClock& clock) {
  auto const& s = *run.data;
  auto const perm = kernels::KeyedPermutation::make(
      static_cast<std::uint64_t>(s.n),
      rng::Key{kSeed, rng::Purpose::Sample, static_cast<std::uint64_t>(run.comm.rank()),
               static_cast<std::uint64_t>(epoch)});
  float const clip = run.dp ? float(kClip) : std::numeric_limits<float>::infinity();
  auto const pass = [&](ExecSpace const& space) {
    run.model.clippedGradient(space, s.x, s.y_binary, run.idx, run.batch_local, s.row_norm, clip,
                              run.grad, 0, run.none, run.no_norms);
  };
  ExecSpace space;
  clock.reset();
  for (std::int64_t t = 0; t < run.steps; ++t) {
    sgdStep(run, epoch, t, perm, pass, false, clock);
    // theta <- theta - lr / B * (sum of clipped gradients + noise)
    kernels::axpy(space, -run.lr / static_cast<double>(run.batch_global), run.grad,
                  run.model.theta(), run.model.numParams());
    clock.mark("update");
  }
  return run.steps * run.batch_local * run.comm.size();
}

/// One epoch of an MLP run; returns the samples processed by all ranks.
std::int64_t mlpEpoch(SgdRun<MlpModel<float>>& run, std::int64_t epoch, PhaseClock& clock) {
  auto const& s = *run.data;
  auto const perm = kernels::KeyedPermutation::make(
      static_cast<std::uint64_t>(s.n),
      rng::Key{kSeed, rng::Purpose::Sample, static_cast<std::uint64_t>(run.comm.rank()),
               static_cast<std::uint64_t>(epoch)});
  float const clip = run.dp ? float(kClip) : std::numeric_limits<float>::infinity();
  auto const pass = [&](ExecSpace const& space) { // overwrites every entry of grad
    run.model.clippedGradient(space, s.x, s.y_class, run.idx, run.batch_local, clip, run.grad, 0,
                              run.none, run.no_norms, true);
  };
  ExecSpace space;
  clock.reset();
  for (std::int64_t t = 0; t < run.steps; ++t) {
    sgdStep(run, epoch, t, perm, pass, true, clock);
    kernels::axpy(space, -run.lr / static_cast<double>(run.batch_global), run.grad,
                  run.model.params(), run.model.numParams());
    clock.mark("update");
  }
  return run.steps * run.batch_local * run.comm.size();
}

/// The workloads of this file.
struct Workload {
  char const* name;
  bool mlp, dp, alone; ///< alone: rank 0 runs the whole data set by itself (efficiency baseline)
  std::int64_t n, batch;
  double peer;        ///< the peer figure of the issue, samples/s (Opacus / PyTorch, 2 threads)
  char const* nodp;   ///< the non-DP twin (dp_cost), or nullptr
  char const* scaled; ///< the distributed twin of an `alone` run (efficiency), or nullptr
};

std::int64_t mlpFlopsPerSample(MlpModel<float> const& m) {
  // forward a_l W_l, backward delta W^T (all but the first layer), weight gradients A^T Delta
  std::int64_t const first = m.widths()[0] * m.widths()[1];
  return 2 * (3 * m.forwardMacs() - first);
}

template <class Model>
std::unique_ptr<SgdRun<Model>> makeRun(Workload const& w, mpi::Comm const& comm, Model model) {
  auto const& ctx = context();
  std::int64_t const n = ctx.scaled(w.n);
  auto data = shard(n, 256, 10, comm.rank(), comm.size());
  std::int64_t const local = std::max<std::int64_t>(1, std::min(w.batch / comm.size(), data->n));
  auto run = std::make_unique<SgdRun<Model>>(SgdRun<Model>{
      data, comm, std::move(model), local * comm.size(), local,
      std::max<std::int64_t>(1, batchesPerEpoch(*data, comm, local)), w.dp, w.mlp ? 0.05 : 0.5,
      Vector<std::int64_t>("saddle::bench::idx", local), Vector<double>("saddle::bench::grad", 0),
      Vector<double>("saddle::bench::none", 0)});
  run->grad = Vector<double>("saddle::bench::grad", run->model.numParams());
  return run;
}

/// Counters of a finished workload: samples/s, fraction of the machine limit, ratio to the
/// peer, and the DP cost / parallel efficiency where the twin ran before.
void report(benchmark::State& state, Workload const& w, double rate, std::int64_t flops) {
  auto& ctx = context();
  ctx.figures[w.name] = rate;
  state.counters["samples/s"] = rate;
  state.counters["vs_peer"] = rate / w.peer;
  if (!w.mlp && ctx.bandwidth > 0.0 && !w.alone) // two passes over X at the measured bandwidth
    state.counters["frac_of_bw"] = rate * 2.0 * 256 * sizeof(float) / ctx.bandwidth;
  if (w.mlp && ctx.gemm_rate > 0.0 && !w.alone)
    state.counters["frac_of_gemm"] = rate * static_cast<double>(flops) / ctx.gemm_rate;
  if (w.nodp && ctx.figure(w.nodp) > 0.0)
    state.counters["dp_cost"] = ctx.figure(w.nodp) / rate;
  if (w.scaled && ctx.figure(w.scaled) > 0.0) {
    double const eff = ctx.figure(w.scaled) / (ctx.world.size() * rate);
    ctx.figures[std::string(w.scaled) + "/efficiency"] = eff;
    state.counters["efficiency_1_to_np"] = eff;
  }
}

void runWorkload(benchmark::State& state, Workload const& w) {
  auto& ctx = context();
  bool const active = !w.alone || ctx.world.rank() == 0;
  ExecSpace space;
  IterationTimer timer(space, ctx.world);
  PhaseClock clock(space, false);
  std::unique_ptr<SgdRun<GlmModel<float>>> glm;
  std::unique_ptr<SgdRun<MlpModel<float>>> mlp;
  if (active) {
    mpi::Comm const comm = w.alone ? mpi::Comm::self() : ctx.world;
    if (w.mlp)
      mlp = makeRun(w, comm,
                    MlpModel<float>({256, 512, 512, 10}, kernels::Activation::Relu,
                                    std::max<std::int64_t>(1, w.batch / comm.size()), kSeed));
    else
      glm = makeRun(w, comm, GlmModel<float>(GlmLoss::Logistic, 256));
  }
  static std::int64_t epoch = 0;
  double seconds = 0.0, samples = 0.0;
  for (auto _ : state) {
    timer.start();
    std::int64_t done = 0;
    if (glm)
      done = glmEpoch(*glm, epoch, clock);
    if (mlp)
      done = mlpEpoch(*mlp, epoch, clock);
    seconds += timer.stop(state);
    samples += static_cast<double>(done);
    ++epoch;
  }
  report(state, w, samples / seconds, mlp ? mlpFlopsPerSample(mlp->model) : 0);
}

Workload const kWorkloads[] = {
    {"w2_logistic_nodp", false, false, false, 200000, 1024, 735000.0, nullptr, nullptr},
    {"w1_logistic_dp", false, true, false, 200000, 1024, 90600.0, "w2_logistic_nodp", nullptr},
    {"w1_logistic_dp_rank0_alone", false, true, true, 200000, 1024, 90600.0, nullptr,
     "w1_logistic_dp"},
    {"w4_mlp_nodp", true, false, false, 100000, 256, 41000.0, nullptr, nullptr},
    {"w3_mlp_dp", true, true, false, 100000, 256, 462.0, "w4_mlp_nodp", nullptr},
};

} // namespace

void registerDpSgdBenchmarks() {
  for (auto const& w : kWorkloads) {
    if (w.alone && context().world.size() == 1)
      continue; // on one rank the distributed run is the baseline itself
    benchmark::RegisterBenchmark(w.name, [&w](benchmark::State& st) { runWorkload(st, w); })
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
}

void printPhaseBreakdown() {
  auto& ctx = context();
  ExecSpace space;
  for (auto const& w : {kWorkloads[1], kWorkloads[4]}) {
    PhaseClock clock(space, true);
    std::int64_t done = 0;
    if (w.mlp) {
      auto run = makeRun(w, ctx.world,
                         MlpModel<float>({256, 512, 512, 10}, kernels::Activation::Relu,
                                         w.batch / ctx.world.size(), kSeed));
      done = mlpEpoch(*run, 1000, clock);
    } else {
      auto run = makeRun(w, ctx.world, GlmModel<float>(GlmLoss::Logistic, 256));
      done = glmEpoch(*run, 1000, clock);
    }
    double total = 0.0;
    for (auto const& [name, t] : clock.totals())
      total += t;
    if (ctx.world.rank() != 0)
      continue;
    std::printf("phases of one epoch of %s on rank 0 (%lld samples, fenced between phases):\n",
                w.name, static_cast<long long>(done));
    for (auto const& [name, t] : clock.totals())
      std::printf("  %-32s %9.3f ms  %5.1f %%\n", name.c_str(), 1e3 * t, 100.0 * t / total);
  }
}

} // namespace saddle::bench
