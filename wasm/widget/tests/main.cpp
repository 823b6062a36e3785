// doctest's main for the widget's model, run natively (tests/browser) and
// compiled to Wasm under Node (wasm/CMakeLists.txt).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
