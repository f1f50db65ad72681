#include "bench_common.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

namespace saddle::bench {

namespace {
std::unique_ptr<BenchContext> g_context;
} // namespace

BenchContext& context() {
  if (!g_context)
    g_context = std::make_unique<BenchContext>(mpi::Comm(MPI_COMM_WORLD));
  return *g_context;
}

void releaseContext() {
  if (!g_context)
    return;
  for (auto const& release : g_context->at_release)
    release();
  g_context.reset();
}

std::int64_t BenchContext::scaled(std::int64_t n) const {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(settings.scale * n)));
}

double BenchContext::figure(std::string const& name) const {
  auto const it = figures.find(name);
  return it == figures.end() ? 0.0 : it->second;
}

void IterationTimer::start() {
  compat::fence(_space, "saddle::bench: iteration start");
  _comm.barrier(); // every rank starts together (aggregate rates need overlapping runs)
  _t0 = std::chrono::steady_clock::now();
}

double IterationTimer::stop(benchmark::State& state) {
  compat::fence(_space, "saddle::bench: iteration stop");
  double const local =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - _t0).count();
  double const seconds = _comm.allreduceMax(local);
  state.SetIterationTime(seconds);
  return seconds;
}

void allreduceSum(ExecSpace const& space, mpi::Comm const& comm, Vector<double> const& v) {
  compat::fence(space, "saddle::bench: gradient to MPI");
  if (comm.size() == 1)
    return;
  auto host = Kokkos::create_mirror_view(v); // the same View on host spaces
  if (host.data() != v.data())
    Kokkos::deep_copy(host, v);
  comm.allreduceSum(host.data(), static_cast<std::int64_t>(host.extent(0)));
  if (host.data() != v.data())
    Kokkos::deep_copy(v, host);
}

void PhaseClock::mark(char const* name) {
  if (!_on)
    return;
  compat::fence(_space, "saddle::bench: phase");
  auto const now = std::chrono::steady_clock::now();
  _totals[name] += std::chrono::duration<double>(now - _t).count();
  _t = now;
}

void PhaseClock::reset() {
  if (!_on)
    return;
  compat::fence(_space, "saddle::bench: phase reset");
  _t = std::chrono::steady_clock::now();
}

} // namespace saddle::bench
