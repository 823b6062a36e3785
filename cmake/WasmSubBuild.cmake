# The browser client: this same source tree configured again with Emscripten's
# toolchain file and built as an external project, so one `cmake --build` of
# the native tree builds both. Debian's emcc needs NODE_PATH to find acorn.
if(NOT COMMENTS_BUILD_WASM)
  message(STATUS "Wasm client: off (COMMENTS_BUILD_WASM=OFF)")
  return()
endif()

find_file(COMMENTS_EMSCRIPTEN_TOOLCHAIN Emscripten.cmake
  PATHS /usr/share/emscripten/cmake/Modules/Platform $ENV{EMSDK}/upstream/emscripten/cmake/Modules/Platform
  NO_DEFAULT_PATH)
find_program(COMMENTS_NODE node REQUIRED)
if(NOT COMMENTS_EMSCRIPTEN_TOOLCHAIN)
  message(FATAL_ERROR "Emscripten not found: apt-get install emscripten, or configure with -DCOMMENTS_BUILD_WASM=OFF")
endif()

include(ExternalProject)
set(COMMENTS_WASM_BUILD_DIR "${CMAKE_BINARY_DIR}/wasm-build")
set(_emenv ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)
# em++ runs clang underneath; Emscripten's own wrapper hook puts ccache in front
# of that clang when the native build uses ccache.
if(CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
  list(APPEND _emenv EM_COMPILER_WRAPPER=${CMAKE_CXX_COMPILER_LAUNCHER})
endif()
include(ProcessorCount)
ProcessorCount(_jobs)
if(_jobs EQUAL 0)
  set(_jobs 2)
endif()
ExternalProject_Add(wasm_client
  SOURCE_DIR "${PROJECT_SOURCE_DIR}"
  BINARY_DIR "${COMMENTS_WASM_BUILD_DIR}"
  CONFIGURE_COMMAND ${_emenv} ${CMAKE_COMMAND} -S <SOURCE_DIR> -B <BINARY_DIR>
    -DCMAKE_TOOLCHAIN_FILE=${COMMENTS_EMSCRIPTEN_TOOLCHAIN}
    -DCMAKE_BUILD_TYPE=Release
    -DCOMMENTS_THIRD_PARTY_INCLUDE=${COMMENTS_THIRD_PARTY_INCLUDE}
    -DCOMMENTS_WEB_OUT=${COMMENTS_WEB_OUT}
    -DCOMMENTS_BUILD_TESTS=${COMMENTS_BUILD_TESTS}
  # An explicit job count: the inner make cannot join the outer jobserver.
  BUILD_COMMAND ${_emenv} ${CMAKE_COMMAND} --build <BINARY_DIR> --parallel ${_jobs}
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON
  USES_TERMINAL_BUILD ON)
add_dependencies(wasm_client web_files)

if(COMMENTS_BUILD_TESTS)
  # The same core tests, compiled to Wasm, run under Node: the browser build
  # behaves like the native one.
  add_test(NAME core_tests_wasm
           COMMAND ${COMMENTS_NODE} "${COMMENTS_WASM_BUILD_DIR}/tests/core/core_tests.js")
endif()
