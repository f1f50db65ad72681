// Writes the checkpoint fuzzer's seed (tests/fuzz/corpus/checkpoint/tiny.h5): a valid checkpoint
// of a tiny State with one entry of each kind (replicated array, int64 scalar, silo array of 2
// silos) and an empty array, so that the fuzzer starts from every layout the reader knows
// (chunked + Fletcher32, compact scalar, zero extent) in ~10 KB.
//   saddle-fuzz-checkpoint-seed OUT.h5
#include "saddle/core/comm.hpp"
#include "saddle/core/state.hpp"
#include "saddle/data/partition.hpp"
#include "saddle/io/checkpoint.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  saddle::mpi::Environment mpi(argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.h5\n", argv[0]);
    return 2;
  }
  saddle::State state;
  state.putArray("model/theta", {0.5, -1.25, 3.0});
  state.putArray("dual/empty", {});
  state.putInt("run/round", 7);
  saddle::SiloArray rows;
  rows.n_silos = 2;
  rows.width = 2;
  rows.rows = {{0, {1.0, 2.0}}, {1, {3.0, 4.0}}};
  state.putSiloArray("privacy/ledger", rows);
  saddle::io::CheckpointMeta meta;
  meta.deck_text = "[run]\nrounds = 7\n";
  meta.round = 7;
  saddle::io::writeCheckpoint(argv[1], state, meta, saddle::data::SiloPartition::block(2, 0, 1),
                              saddle::mpi::Comm::self());
  return 0;
}
