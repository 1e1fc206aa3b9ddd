// Error types of the core library.
//
// Each type corresponds to exactly one Python exception; the single translator
// in bindings/errors.cpp maps them. Messages are written for users: they name
// the offending value, file and line, never a C++ source position.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace gk {

enum class ErrorKind { Runtime, Value, Index, Key, Type, OS, FileNotFound };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& msg) : std::runtime_error(msg), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

/// Concatenates the arguments with operator<< (C++17 has no std::format).
template <class... Args>
std::string cat(Args&&... args) {
  std::ostringstream os;
  (os << ... << std::forward<Args>(args));
  return os.str();
}

template <class... Args>
[[noreturn]] void fail(ErrorKind kind, Args&&... args) {
  throw Error(kind, cat(std::forward<Args>(args)...));
}

// Shorthands, one per Python exception type.
template <class... Args>
[[noreturn]] void value_error(Args&&... a) {
  fail(ErrorKind::Value, std::forward<Args>(a)...);
}
template <class... Args>
[[noreturn]] void index_error(Args&&... a) {
  fail(ErrorKind::Index, std::forward<Args>(a)...);
}
template <class... Args>
[[noreturn]] void key_error(Args&&... a) {
  fail(ErrorKind::Key, std::forward<Args>(a)...);
}
template <class... Args>
[[noreturn]] void type_error(Args&&... a) {
  fail(ErrorKind::Type, std::forward<Args>(a)...);
}
template <class... Args>
[[noreturn]] void os_error(Args&&... a) {
  fail(ErrorKind::OS, std::forward<Args>(a)...);
}
template <class... Args>
[[noreturn]] void runtime_error(Args&&... a) {
  fail(ErrorKind::Runtime, std::forward<Args>(a)...);
}

}  // namespace gk
