#pragma once
/// RAII over the HDF5 C API and a checked-call macro. Internal to src/saddle/io: HDF5 is called
/// only there (a hook checks it), so only io/*.cpp include this header; the public io headers
/// (checkpoint.hpp, history.hpp, inspect.hpp) do not.
///
/// Every identifier (hid_t) lives in a move-only Handle that closes it on destruction, so an
/// exception leaves nothing open. Every HDF5 call goes through SADDLE_H5_CHECK, which throws
/// saddle::IoError naming the call, file:line and the innermost messages of HDF5's error stack.
/// HDF5's own printing of the stack to stderr is switched off by silenceErrors().
#include "saddle/core/error.hpp"

#include <hdf5.h>

#include <string>
#include <utility>

namespace saddle::io::h5 {

/// Switch off HDF5's automatic printing of error stacks (per thread; idempotent, cheap).
/// Called by every io entry point before its first HDF5 call.
void silenceErrors();

/// The innermost messages of HDF5's current error stack, joined by "; " (empty if none),
/// then clears the stack. Call right after a failed HDF5 call, before any other.
std::string errorStackText();

namespace detail {
[[noreturn]] void throwH5Error(char const* call, char const* file, int line);

/// `value` if it is >= 0 (a valid hid_t, herr_t success, htri_t answer), else throws IoError.
template <class T> T checked(T value, char const* call, char const* file, int line) {
  if (value < 0)
    throwH5Error(call, file, line);
  return value;
}
} // namespace detail

/// A handle on one HDF5 identifier, closed by `Close` when the handle dies. Move-only.
template <herr_t (*Close)(hid_t)> class Handle {
public:
  Handle() = default;
  /// Takes ownership of `id` (a negative id is an empty handle).
  explicit Handle(hid_t id) noexcept : _id(id) {}
  ~Handle() { reset(); }
  Handle(Handle const&) = delete;
  Handle& operator=(Handle const&) = delete;
  Handle(Handle&& other) noexcept : _id(std::exchange(other._id, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      _id = std::exchange(other._id, H5I_INVALID_HID);
    }
    return *this;
  }

  hid_t get() const noexcept { return _id; }
  bool valid() const noexcept { return _id >= 0; }
  /// Close now, ignoring failure (destructors and error paths).
  void reset() noexcept {
    if (_id >= 0)
      Close(_id);
    _id = H5I_INVALID_HID;
  }
  /// Close now and throw IoError if HDF5 reports a failure (for a file: data not flushed).
  void close() {
    hid_t const id = std::exchange(_id, H5I_INVALID_HID);
    if (id >= 0)
      detail::checked(Close(id), "close", __FILE__, __LINE__);
  }

private:
  hid_t _id = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using PropList = Handle<H5Pclose>;
using Attribute = Handle<H5Aclose>;
using Datatype = Handle<H5Tclose>; ///< only for types made by H5Tcopy/H5Tcreate, not predefined
using Object = Handle<H5Oclose>;   ///< an object of unknown kind (H5Oopen)

} // namespace saddle::io::h5

/// Evaluate an HDF5 call; throws saddle::IoError naming it, file:line and HDF5's error stack when
/// it returns a negative value. Yields the call's value (an id, herr_t or htri_t).
#define SADDLE_H5_CHECK(call) ::saddle::io::h5::detail::checked((call), #call, __FILE__, __LINE__)
