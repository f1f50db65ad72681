// libFuzzer target: the CSV loader (data::loadCsv). See fuzz_entries.hpp.
#include "fuzz_entries.hpp"

// No MPI: the reader is local, and leak checking stays free of MPI's own allocations.

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  saddle::fuzz::csvEntry(data, size);
  return 0;
}
