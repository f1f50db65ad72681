#include "saddle/federated/federation.hpp"

#include "kernels/compat.hpp"
#include "kernels/dense.hpp"
#include "saddle/federated/fixed_point.hpp"

#include <algorithm>

namespace saddle {

namespace {
Federation::Mode modeFromName(std::string const& name) {
  if (name == "fast")
    return Federation::Mode::Fast;
  if (name == "reproducible")
    return Federation::Mode::Reproducible;
  throw InputError("saddle::Federation: federated.aggregation = \"" + name +
                   "\" is not allowed (allowed: \"fast\", \"reproducible\")");
}
} // namespace

Federation::Federation(mpi::Comm comm, std::int64_t size, std::string const& mode_name)
    : _comm(std::move(comm)), _mode(modeFromName(mode_name)),
      _buffer("saddle::Federation::buffer", size), _host(Kokkos::create_mirror_view(_buffer)) {
  if (_mode == Mode::Reproducible)
    _silo = Vector<double>("saddle::Federation::silo", size);
}

void Federation::clear(ExecSpace const& space) {
  kernels::zero(space, _buffer);
  _staged.clear();
}

Vector<double> const& Federation::beginSilo(ExecSpace const& space) {
  if (_mode == Mode::Fast)
    return _buffer;
  kernels::zero(space, _silo);
  return _silo;
}

void Federation::endSilo(ExecSpace const& space) {
  if (_mode == Mode::Fast)
    return;
  auto host = Kokkos::create_mirror_view(Kokkos::HostSpace{}, _silo);
  Kokkos::deep_copy(space, host, _silo);
  compat::fence(space, "saddle::Federation::endSilo: silo message on the host");
  _staged.emplace_back(host.data(), host.data() + host.extent(0));
}

Federation::HostBuffer const& Federation::aggregate(ExecSpace const& space) {
  compat::fence(space, "saddle::Federation::aggregate: messages complete before MPI");
  if (_mode == Mode::Reproducible) {
    Kokkos::deep_copy(space, _host, _buffer); // rank-level slots (the stop signal)
    compat::fence(space, "saddle::Federation::aggregate: host staging");
    sumExactly();
    Kokkos::deep_copy(space, _buffer, _host);
    return _host;
  }
#ifdef SADDLE_ENABLE_GPU_AWARE_MPI
  _comm.allreduceSum(_buffer.data(), static_cast<std::int64_t>(_buffer.extent(0)));
  Kokkos::deep_copy(space, _host, _buffer);
  compat::fence(space, "saddle::Federation::aggregate: host copy");
#else
  Kokkos::deep_copy(space, _host, _buffer);
  compat::fence(space, "saddle::Federation::aggregate: host staging");
  _comm.allreduceSum(_host.data(), static_cast<std::int64_t>(_host.extent(0)));
  Kokkos::deep_copy(space, _buffer, _host);
#endif
  return _host;
}

void Federation::sumExactly() {
  // the rank buffer (zero but for rank-level slots) is one more addend
  _staged.emplace_back(_host.data(), _host.data() + _host.extent(0));
  auto const n = static_cast<std::int64_t>(_host.extent(0));
  // e_j = max over every addend of every rank of exponentOf(x_j)
  std::vector<std::int64_t> exponent(static_cast<std::size_t>(n), federated::kZeroExponent);
  for (auto const& message : _staged)
    for (std::int64_t j = 0; j < n; ++j)
      exponent[j] = std::max(exponent[j], federated::exponentOf(message[j]));
  SADDLE_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, exponent.data(), static_cast<int>(n), MPI_INT64_T,
                                 MPI_MAX, _comm.raw()));
  // limbs of sum_silos x_j: exact integer sums, here and across ranks
  std::vector<std::int64_t> limbs(static_cast<std::size_t>(n * federated::kLimbs), 0);
  for (auto const& message : _staged)
    for (std::int64_t j = 0; j < n; ++j)
      if (exponent[j] != federated::kZeroExponent && exponent[j] < federated::kNonFiniteExponent)
        federated::addFixedPoint(message[j], exponent[j], &limbs[j * federated::kLimbs]);
  _comm.allreduceSum(limbs.data(), static_cast<std::int64_t>(limbs.size()));
  for (std::int64_t j = 0; j < n; ++j)
    _host(j) = federated::fromFixedPoint(&limbs[j * federated::kLimbs], exponent[j]);
  _staged.clear();
}

} // namespace saddle
