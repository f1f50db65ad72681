// libFuzzer target: the checkpoint reader (io::readCheckpoint, then io::verifyCheckpoint).
// See fuzz_entries.hpp. MPI is initialized once (the reader is collective on Comm::self()).
#include "saddle/core/comm.hpp"

#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  static saddle::mpi::Environment const mpi(*argc, *argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  saddle::fuzz::checkpointEntry(data, size);
  return 0;
}
