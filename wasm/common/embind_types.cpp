// The C++ types embind knows at start-up, for our Wasm builds: the ones
// emscripten::val converts (void, bool, the integers, float, double,
// std::string, val itself), and embind's __getTypeName for its error messages.
//
// Why our own and not -lembind's bind.cpp (Emscripten, MIT): that one also
// registers std::wstring, std::u16string, std::u32string, a dozen memory_view
// types and 64-bit integers, none of which we use. Registering a type keeps
// its JS converters in the glue (UTF-16/UTF-32 codecs, typed-array views), and
// its no-RTTI __getTypeName formats with sprintf, which brings all of printf.
// The registrations alone were 1,064 B of every reader's gzipped download,
// printf about 2,000 B more (bench/RESULTS.md, analysis). The builds link
// embind's JS libraries themselves instead of -lembind (wasm/CMakeLists.txt).
//
// A type used with val but missing here fails loudly at run time ("... has
// unknown type"), in every browser test that reaches it.
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <typeinfo>

#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

namespace {

using namespace emscripten::internal;

template <typename T>
void register_integer(const char* name) {
  _embind_register_integer(TypeID<T>::get(), name, sizeof(T), std::numeric_limits<T>::min(),
                           std::numeric_limits<T>::max());
}

}  // namespace

extern "C" {

// Embind's name for a type it was not told about. Built without RTTI there is
// no name, so (as bind.cpp does) the type's id in hex: "0x" and lowercase
// digits. The caller frees it.
EMSCRIPTEN_KEEPALIVE const char* __getTypeName(const std::type_info* type) {
  auto value = reinterpret_cast<std::uintptr_t>(type);
  char* text = static_cast<char*>(std::malloc(3 + 2 * sizeof value));
  if (text == nullptr) return nullptr;
  char digits[2 * sizeof value];
  int count = 0;
  do {
    digits[count++] = "0123456789abcdef"[value & 0xf];
    value >>= 4;
  } while (value != 0);
  int length = 0;
  text[length++] = '0';
  text[length++] = 'x';
  while (count > 0) text[length++] = digits[--count];
  text[length] = '\0';
  return text;
}

// Runs before any other constructor that might use val (as bind.cpp's does).
__attribute__((constructor(101))) void comments_register_embind_types() {
  _embind_register_void(TypeID<void>::get(), "void");
  _embind_register_bool(TypeID<bool>::get(), "bool", sizeof(bool), true, false);
  register_integer<char>("char");
  register_integer<signed char>("signed char");
  register_integer<unsigned char>("unsigned char");
  register_integer<short>("short");
  register_integer<unsigned short>("unsigned short");
  register_integer<int>("int");
  register_integer<unsigned int>("unsigned int");
  register_integer<long>("long");
  register_integer<unsigned long>("unsigned long");
  _embind_register_float(TypeID<float>::get(), "float", sizeof(float));
  _embind_register_float(TypeID<double>::get(), "double", sizeof(double));
  _embind_register_std_string(TypeID<std::string>::get(), "std::string");
  _embind_register_emval(TypeID<emscripten::val>::get(), "emscripten::val");
}

}  // extern "C"
