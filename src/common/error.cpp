#include "sdgen/error.hpp"

namespace sdgen {

void throw_invalid(const std::string& message) { throw Error(ErrorKind::invalid_argument, message); }
void throw_io(const std::string& message) { throw Error(ErrorKind::io, message); }

int exit_code(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::invalid_argument:
      return 2;
    case ErrorKind::io:
      return 1;
    case ErrorKind::mismatch:
      return 3;
  }
  return 1;
}

}  // namespace sdgen
