#pragma once
/// Flat byte strings for broadcasting a checkpoint's contents (Comm broadcasts strings).
/// Internal to io/; the bytes are native (both ends are ranks of one job).
#include "saddle/core/error.hpp"
#include "saddle/io/checkpoint.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace saddle::io::detail {

/// A flat byte string for one broadcast (Comm broadcasts strings).
class Packer {
public:
  void putInt(std::int64_t v) { _out.append(reinterpret_cast<char const*>(&v), sizeof v); }
  void putString(std::string const& s) {
    putInt(static_cast<std::int64_t>(s.size()));
    _out += s;
  }
  void putDoubles(std::vector<double> const& v) {
    putInt(static_cast<std::int64_t>(v.size()));
    _out.append(reinterpret_cast<char const*>(v.data()), v.size() * sizeof(double));
  }
  std::string take() { return std::move(_out); }

private:
  std::string _out;
};

class Unpacker {
public:
  explicit Unpacker(std::string const& in) : _in(in) {}
  std::int64_t getInt() {
    std::int64_t v = 0;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  std::string getString() {
    auto const n = static_cast<std::size_t>(getInt());
    return std::string(take(n), n);
  }
  std::vector<double> getDoubles() {
    auto const n = static_cast<std::size_t>(getInt());
    std::vector<double> v(n);
    if (n > 0)
      std::memcpy(v.data(), take(n * sizeof(double)), n * sizeof(double));
    return v;
  }

private:
  char const* take(std::size_t n) {
    SADDLE_REQUIRE(_pos + n <= _in.size(), "saddle::io: short broadcast payload");
    char const* p = _in.data() + _pos;
    _pos += n;
    return p;
  }
  std::string const& _in;
  std::size_t _pos = 0;
};

inline void packMeta(Packer& p, CheckpointMeta const& m) {
  p.putInt(m.format_version);
  for (auto const* s : {&m.saddle_version, &m.git_hash, &m.deck_text, &m.deck_hash, &m.created})
    p.putString(*s);
  p.putInt(m.round);
  p.putInt(m.ranks);
  p.putInt(m.n_silos);
}

inline CheckpointMeta unpackMeta(Unpacker& u) {
  CheckpointMeta m;
  m.format_version = static_cast<int>(u.getInt());
  for (auto* s : {&m.saddle_version, &m.git_hash, &m.deck_text, &m.deck_hash, &m.created})
    *s = u.getString();
  m.round = u.getInt();
  m.ranks = static_cast<int>(u.getInt());
  m.n_silos = u.getInt();
  return m;
}

} // namespace saddle::io::detail
