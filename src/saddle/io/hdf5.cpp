#include "saddle/io/hdf5.hpp"

#include <array>
#include <vector>

namespace saddle::io::h5 {

void silenceErrors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

namespace {

herr_t collectEntry(unsigned /*n*/, H5E_error2_t const* err, void* client) {
  auto& entries = *static_cast<std::vector<std::string>*>(client);
  std::string text = err->desc != nullptr ? err->desc : "";
  std::array<char, 256> minor{};
  H5E_type_t type{};
  if (H5Eget_msg(err->min_num, &type, minor.data(), minor.size()) > 0 && minor[0] != '\0') {
    std::string const what(minor.data());
    if (text.empty())
      text = what;
    else if (text.find(what) == std::string::npos)
      text += " (" + what + ")";
  }
  if (!text.empty() && (entries.empty() || entries.back() != text))
    entries.push_back(std::move(text));
  return 0;
}

} // namespace

std::string errorStackText() {
  std::vector<std::string> entries; // outermost (the API call) first
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collectEntry, &entries);
  H5Eclear2(H5E_DEFAULT);
  // The innermost entries say what went wrong ("truncated file", "Fletcher32 checksum").
  std::string out;
  std::size_t const keep = 4;
  std::size_t const first = entries.size() > keep ? entries.size() - keep : 0;
  for (std::size_t i = entries.size(); i-- > first;)
    out += (out.empty() ? "" : "; ") + entries[i];
  return out;
}

namespace detail {

void throwH5Error(char const* call, char const* file, int line) {
  std::string const stack = errorStackText();
  throw IoError("saddle::h5: " + std::string(call) + " failed at " + file + ":" +
                std::to_string(line) + (stack.empty() ? "" : ": " + stack));
}

} // namespace detail
} // namespace saddle::io::h5
