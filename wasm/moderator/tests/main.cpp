// doctest's main for the console's pure parts (queue model, rule preview),
// compiled to Wasm and run under Node like the core tests.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
