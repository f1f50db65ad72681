// Checkpoint and restart of a Trainer: the whole State in one parallel-HDF5 file per
// checkpoint (io/checkpoint.hpp), and the deck check that makes a restart continue the same run.
#include "saddle/core/log.hpp"
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/history.hpp"
#include "saddle/run/trainer.hpp"

#include <cmath>
#include <filesystem>

namespace saddle {

std::vector<std::string> const& Trainer::restartableKeys() {
  static std::vector<std::string> const keys = {
      "run.rounds",      "run.log_every",  "run.output_dir",         "checkpoint.every",
      "checkpoint.keep", "checkpoint.dir", "privacy.epsilon_budget",
  };
  return keys;
}

std::string Trainer::checkpointDir() const {
  auto const& dir = _x.deck.checkpoint.dir;
  return dir.empty() ? (std::filesystem::path(_x.deck.run.output_dir) / "checkpoints").string()
                     : dir;
}

void Trainer::checkFinite(std::string const& what, std::vector<double> const& values) const {
  for (std::size_t j = 0; j < values.size(); ++j)
    if (!std::isfinite(values[j]))
      throw DivergenceError(log::format(
          "saddle::Trainer: diverged at round %lld: %s[%zu] is %g; no checkpoint written (the "
          "last good one: %s)",
          static_cast<long long>(_round), what.c_str(), j, values[j],
          _last_checkpoint.empty() ? "none" : _last_checkpoint.c_str()));
}

std::string Trainer::checkpoint() {
  if (_history_h5) // the history on disk is at least as far as any checkpoint
    _history_h5->flush();
  if (_history.is_open())
    _history << std::flush;
  State const s = state();
  checkFinite("model/theta", s.array("model/theta"));
  checkFinite("dual/lambda", s.array("dual/lambda"));
  std::string const dir = checkpointDir();
  bool failed = false;
  if (_x.comm.rank() == 0) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    failed = static_cast<bool>(ec);
  }
  if (_x.comm.anyFailed(failed))
    throw IoError("saddle::Trainer: cannot create the checkpoint folder '" + dir + "'");
  io::CheckpointMeta meta;
  meta.deck_text = _x.deck.toToml();
  meta.round = _round;
  std::string const path = io::checkpointPath(dir, _round);
  io::writeCheckpoint(path, s, meta, _x.data.silos, _x.comm);
  if (_x.comm.rank() == 0)
    io::pruneCheckpoints(dir, static_cast<int>(_x.deck.checkpoint.keep));
  _last_checkpoint = path;
  return path;
}

void Trainer::restore(std::string const& path_in) {
  std::string path = path_in;
  if (path_in == "latest") {
    std::string found;
    if (_x.comm.rank() == 0)
      found = io::latestCheckpoint(checkpointDir()).value_or("");
    _x.comm.broadcast(found);
    if (found.empty())
      throw InputError("saddle-train: --restart latest: no checkpoint in '" + checkpointDir() +
                       "'");
    path = found;
  }
  io::Checkpoint const ck = io::readCheckpoint(path, _x.data.silos, _x.comm);
  Deck const saved = Deck::fromText(ck.meta.deck_text, path + " (its deck)");
  auto const diffs = saved.differences(_x.deck, restartableKeys());
  if (!diffs.empty()) {
    std::string list;
    for (auto const& d : diffs)
      list += "\n  " + d;
    throw InputError("saddle-train: the deck differs from the one checkpoint '" + path +
                     "' was written with (checkpoint -> deck); only run.rounds, run.log_every, "
                     "run.output_dir, checkpoint.* and privacy.epsilon_budget may change on a "
                     "restart:" +
                     list);
  }
  try {
    loadState(ck.state, "run/");
  } catch (InputError const& e) { // the State knows the entry, not the file it came from
    throw InputError("saddle-train: checkpoint '" + path + "': " + e.what());
  }
  _resumed_from = _round;
  _last_checkpoint = path;
  log::info(_x.comm, log::format("restart: round %lld from %s", static_cast<long long>(_round),
                                 path.c_str()));
}

} // namespace saddle
