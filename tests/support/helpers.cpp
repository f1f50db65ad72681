#include "support/helpers.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>

namespace saddle::test {

Deck smallDeck(std::int64_t silos, std::int64_t rounds) {
  Deck d;
  d.run.rounds = rounds;
  d.run.seed = 7;
  d.run.log_every = 10;
  d.data.n_samples = 4000;
  d.data.n_features = 5;
  d.data.n_groups = 2;
  d.data.bias = 1.0;
  d.silos.count = silos;
  d.privacy.sampling_rate = 0.1;
  d.privacy.clip_norm = 1.0;
  d.privacy.noise_multiplier = 1.0;
  d.problem.constraint = "demographic_parity";
  d.problem.tolerance = 0.05;
  return d;
}

int runCommand(std::string const& command, std::string& output) {
  output.clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe)
    throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), static_cast<int>(buf.size()), pipe))
    output += buf.data();
  int const status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::map<std::string, double> readKeyValueCsv(std::string const& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  std::map<std::string, double> out;
  std::string line;
  std::getline(in, line); // header
  while (std::getline(in, line)) {
    auto const comma = line.find(',');
    if (comma != std::string::npos)
      out[line.substr(0, comma)] = std::stod(line.substr(comma + 1));
  }
  return out;
}

std::string freshDir(std::string const& name) {
  auto const dir = std::filesystem::path(::testing::TempDir()) / ("saddle_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>>
fileSnapshot(std::string const& dir) {
  std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>> files;
  for (auto const& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      files[e.path().string()] = {e.file_size(), e.last_write_time()};
  return files;
}

} // namespace saddle::test
