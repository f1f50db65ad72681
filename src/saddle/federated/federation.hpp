#pragma once
/// The server side of a round: every rank packs the messages of its silos into one buffer
/// (gradient sum, constraint statistics, ...), and one MPI_Allreduce sums the buffers.
/// Device buffers go to MPI directly with SADDLE_ENABLE_GPU_AWARE_MPI; otherwise they are
/// staged through a host mirror.
#include "kernels/types.hpp"
#include "saddle/core/comm.hpp"

#include <cstdint>

namespace saddle {

class Federation {
public:
  /// A message buffer of `size` doubles. Not collective.
  Federation(mpi::Comm comm, std::int64_t size);

  /// The rank's message buffer [size] in the default memory space.
  Vector<double> const& buffer() const { return _buffer; }
  /// Zero the buffer for a new round. Async.
  void clear(ExecSpace const& space);
  /// Sum buffer() over all ranks, in place; returns the host copy of the sum. Fences `space`.
  /// Collective on the communicator.
  using HostBuffer = Vector<double>::HostMirror;
  HostBuffer const& aggregate(ExecSpace const& space);

  mpi::Comm const& comm() const { return _comm; }

private:
  mpi::Comm _comm;
  Vector<double> _buffer;
  HostBuffer _host;
};

} // namespace saddle
