// sprintf for the widget's Wasm: only the "%p" conversion that embind uses.
//
// Why our own: embind's no-RTTI __getTypeName (system/lib/embind/bind.cpp)
// names an unbound type with sprintf(str, "%p", id) for its error messages,
// and it is the only sprintf call in the widget. musl's sprintf brings all of
// printf's formatting with it: about 2 KB of every reader's gzipped download.
// An object file linked into the program takes precedence over libc's archive
// member, so this definition is the one embind gets. siprintf is
// Emscripten's integer-only sprintf, which LLVM calls instead when no floating
// point argument is passed; both live in libc's sprintf.o, so both are here.
//
// Any other format is refused (an empty string and -1, as C allows for an
// encoding error) rather than formatted wrongly; a new caller shows up as a
// missing type name in an embind error, never as memory corruption.
#include <cstdarg>
#include <cstdint>
#include <cstring>

namespace {

int format_pointer(char* out, const char* format, std::va_list args) {
  if (std::strcmp(format, "%p") != 0) {
    out[0] = '\0';
    return -1;
  }
  auto value = reinterpret_cast<std::uintptr_t>(va_arg(args, void*));
  char digits[2 * sizeof value];
  int count = 0;
  do {  // musl prints %p as 0x and lowercase hex digits, no padding
    digits[count++] = "0123456789abcdef"[value & 0xf];
    value >>= 4;
  } while (value != 0);
  int length = 0;
  out[length++] = '0';
  out[length++] = 'x';
  while (count > 0) out[length++] = digits[--count];
  out[length] = '\0';
  return length;
}

}  // namespace

extern "C" int sprintf(char* out, const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  const int length = format_pointer(out, format, args);
  va_end(args);
  return length;
}

extern "C" int siprintf(char* out, const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  const int length = format_pointer(out, format, args);
  va_end(args);
  return length;
}
