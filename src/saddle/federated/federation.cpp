#include "saddle/federated/federation.hpp"

#include "kernels/compat.hpp"
#include "kernels/dense.hpp"

namespace saddle {

Federation::Federation(mpi::Comm comm, std::int64_t size)
    : _comm(std::move(comm)), _buffer("saddle::Federation::buffer", size),
      _host(Kokkos::create_mirror_view(_buffer)) {}

void Federation::clear(ExecSpace const& space) {
  kernels::zero(space, _buffer);
}

Federation::HostBuffer const& Federation::aggregate(ExecSpace const& space) {
  compat::fence(space, "saddle::Federation::aggregate: messages complete before MPI");
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

} // namespace saddle
