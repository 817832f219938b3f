// guard.h: how nmt's C entry points report libtorch's exceptions.
#ifndef NMT_GUARD_H
#define NMT_GUARD_H
#include <c10/util/Exception.h>

#include <cstdlib>
#include <cstring>
#include <exception>

namespace nmt {

// error_copy returns a malloc'd copy of what, for Go to free.
inline char *error_copy(const char *what) {
  const size_t n = std::strlen(what) + 1;
  char *s = static_cast<char *>(std::malloc(n));
  if (s != nullptr) std::memcpy(s, what, n);
  return s;
}

// guard runs f and returns NULL, or the message of the exception it threw
// (libtorch's without its C++ backtrace), to free.
template <class F>
char *guard(F f) {
  try {
    f();
    return nullptr;
  } catch (const c10::Error &e) {
    return error_copy(e.what_without_backtrace());
  } catch (const std::exception &e) {
    return error_copy(e.what());
  }
}

}  // namespace nmt

#endif
