# The libFuzzer targets (tests/fuzz/): this same source tree configured again
# with clang (-fsanitize=fuzzer,address,undefined) as an external project, as
# the Wasm client is with Emscripten. Only core/, the ws layer's frame.cpp and
# handshake.cpp, and tests/fuzz/ are built there. The main ctest runs each
# target over its seed corpus plus a short fixed number of runs (label fuzz).
if(NOT COMMENTS_BUILD_FUZZ OR NOT COMMENTS_BUILD_TESTS)
  message(STATUS "Fuzz targets: off (COMMENTS_BUILD_FUZZ or COMMENTS_BUILD_TESTS is OFF)")
  return()
endif()
if(COMMENTS_SANITIZE)
  # The targets already run under ASan + UBSan; a sanitizer build of the main
  # tree would only build and run them a second time.
  message(STATUS "Fuzz targets: off in the COMMENTS_SANITIZE build")
  return()
endif()

find_program(COMMENTS_CLANGXX NAMES clang++ clang++-14)
set(_fuzz_ok OFF)
if(COMMENTS_CLANGXX)
  set(_probe_dir "${CMAKE_BINARY_DIR}/fuzz-probe")
  file(WRITE "${_probe_dir}/probe.cpp"
       "#include <cstddef>\n#include <cstdint>\n"
       "extern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }\n")
  execute_process(COMMAND ${COMMENTS_CLANGXX} -fsanitize=fuzzer,address,undefined
                          "${_probe_dir}/probe.cpp" -o "${_probe_dir}/probe"
                  RESULT_VARIABLE _probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(_probe_rc EQUAL 0)
    set(_fuzz_ok ON)
  endif()
endif()
if(NOT _fuzz_ok)
  message(STATUS "Fuzz targets: off (no clang++ with the libFuzzer runtime: "
                 "apt-get install clang libclang-rt-14-dev)")
  return()
endif()
message(STATUS "Fuzz targets: on (${COMMENTS_CLANGXX})")

include(ExternalProject)
set(COMMENTS_FUZZ_BUILD_DIR "${CMAKE_BINARY_DIR}/fuzz-build")
ExternalProject_Add(fuzz_targets
  SOURCE_DIR "${PROJECT_SOURCE_DIR}"
  BINARY_DIR "${COMMENTS_FUZZ_BUILD_DIR}"
  CONFIGURE_COMMAND ${CMAKE_COMMAND} -S <SOURCE_DIR> -B <BINARY_DIR>
    -DCMAKE_CXX_COMPILER=${COMMENTS_CLANGXX}
    -DCMAKE_BUILD_TYPE=Release
    -DCOMMENTS_FUZZ=ON
    -DCOMMENTS_BUILD_WASM=OFF
    -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}
  # An explicit job count: the inner make cannot join the outer jobserver.
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --parallel 2
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON
  USES_TERMINAL_BUILD ON)

# One test per target: the seed corpus plus a fixed number of runs with a
# fixed seed; new corpus entries go to a scratch folder in the build tree.
set(COMMENTS_FUZZ_TARGETS client_message comment_json filter utf8 ws_frame ws_handshake
    thread_view)
foreach(_t IN LISTS COMMENTS_FUZZ_TARGETS)
  set(_scratch "${CMAKE_BINARY_DIR}/fuzz-scratch/${_t}")
  add_test(NAME fuzz_${_t}
           COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                   "${CMAKE_SOURCE_DIR}/tests/fuzz/smoke.sh"
                   "${COMMENTS_FUZZ_BUILD_DIR}/tests/fuzz/fuzz_${_t}"
                   "${_scratch}" "${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${_t}")
  set_tests_properties(fuzz_${_t} PROPERTIES LABELS fuzz TIMEOUT 120)
endforeach()
