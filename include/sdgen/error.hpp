// sdgen errors: one exception type with a kind and a one-line message.
//
// Every fallible library call throws sdgen::Error; the CLI catches it at the top, prints the
// message on one line to stderr and exits with exit_code(kind). Messages name the field or
// resource at fault ("--dedup 0.5: must be >= 1").
#pragma once

#include <stdexcept>
#include <string>

#pragma GCC visibility push(default)
namespace sdgen {

enum class ErrorKind {
  invalid_argument,  // bad option value or impossible request; nothing was written
  io,                // the operating system or a store refused an operation
  mismatch,          // verification found data that differs from the spec
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

// Shorthand for the most common case: a request that cannot be satisfied.
[[noreturn]] void throw_invalid(const std::string& message);
[[noreturn]] void throw_io(const std::string& message);

// Process exit code for an error kind: 2 invalid argument, 1 I/O, 3 mismatch.
int exit_code(ErrorKind kind) noexcept;

}  // namespace sdgen
#pragma GCC visibility pop
