#pragma once
/// The server side of a round: the messages of the participating silos are summed across ranks.
///
/// Fast aggregation (federated.aggregation = "fast"): every rank accumulates the messages of its
/// silos into one buffer, and one MPI_Allreduce of the packed buffer sums the ranks. The result
/// depends on the rank count in the last bits (floating-point sums in another order).
///
/// Reproducible aggregation ("reproducible"): each silo writes its message into a scratch of
/// its own, which is kept on the host; at aggregation every entry j gets an exponent e_j with
/// |x| < 2^e_j for every silo's x_j (MPI_Allreduce MAX of n int64), every message becomes exact
/// fixed-point integers (3 int64 limbs per double, fixed_point.hpp), the limbs of the local
/// silos are summed in integers and one MPI_Allreduce of 3 n int64 sums the ranks. Integer sums
/// are exact, so the aggregate is bitwise the same for any rank count and any placement of the
/// silos on ranks (and the same as the sum on one rank).
///
/// Cost of reproducible vs fast, per round, message of n doubles, S local silos per rank:
///   bytes per rank into the collectives: 8 n (MAX of exponents) + 24 n (limbs), vs 8 n;
///   collectives: 2 (two latencies), vs 1;
///   host work: S device-to-host copies of n doubles (a fence per silo) and ~10 flops per entry
///   and silo for the conversion, vs none.
/// Measured (development machine, 2 shared cores, Kokkos OpenMP with 1 thread, Open MPI,
/// 25 silos, median of 3000 rounds of the aggregation alone, silo messages included):
///   n = 14 (8 features, 4 statistics):  1 rank 1.5 us fast vs  9.9 us reproducible;
///                                        2 ranks 1.8 us fast vs  9.1 us reproducible;
///   n = 56 (50 features):               1 rank 3.0 us fast vs 26 us reproducible;
///                                        2 ranks 2.4 us fast vs 22 us reproducible;
/// i.e. about 16 ns per entry and silo, against ~600 us for a whole Trainer round of
/// inputs/quickstart.toml with 25 silos on 1 rank (+1.5 %, below the run-to-run noise).
/// Device buffers go to MPI directly with SADDLE_ENABLE_GPU_AWARE_MPI (fast mode); otherwise
/// they are staged through a host mirror.
#include "kernels/types.hpp"
#include "saddle/core/comm.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle {

class Federation {
public:
  enum class Mode { Fast, Reproducible };

  /// A message buffer of `size` doubles. Not collective. Throws InputError for `mode_name`
  /// other than "fast" | "reproducible".
  Federation(mpi::Comm comm, std::int64_t size, std::string const& mode_name = "fast");

  /// The rank's buffer [size] in the default memory space: after aggregate(), the sum over
  /// every silo; rank-level slots (the stop signal) may be set in it before aggregate().
  Vector<double> const& buffer() const { return _buffer; }
  /// Zero the buffer (and drop staged silo messages) for a new round. Async.
  void clear(ExecSpace const& space);

  /// Start one silo's message: the buffer it adds its parts to (fast: buffer() itself, where the
  /// rank's silos accumulate; reproducible: the silo's own scratch, zeroed). Async.
  Vector<double> const& beginSilo(ExecSpace const& space);
  /// The message of the silo begun last is complete (reproducible: stage it for the exact sum;
  /// fences `space`). Not collective.
  void endSilo(ExecSpace const& space);

  /// Sum the round's messages over all ranks into buffer(); returns its host copy. Fences
  /// `space`. Collective on the communicator.
  using HostBuffer = Vector<double>::HostMirror;
  HostBuffer const& aggregate(ExecSpace const& space);

  Mode mode() const { return _mode; }
  mpi::Comm const& comm() const { return _comm; }

private:
  /// Reproducible mode: exponents, limbs, one integer allreduce; _host = the exact sum.
  void sumExactly();

  mpi::Comm _comm;
  Mode _mode;
  Vector<double> _buffer;
  HostBuffer _host;
  Vector<double> _silo;                     ///< reproducible: the current silo's message
  std::vector<std::vector<double>> _staged; ///< reproducible: this round's silo messages (host)
};

} // namespace saddle
