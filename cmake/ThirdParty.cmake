# nlohmann/json and doctest for both builds.
#
# Native: the Debian packages' CMake targets. Emscripten: em++ must never see
# -I/usr/include (glibc headers break the wasm build), so the native configure
# copies just these two libraries' headers into a folder of their own and hands
# it to the sub-build as COMMENTS_THIRD_PARTY_INCLUDE.
if(EMSCRIPTEN)
  if(NOT COMMENTS_THIRD_PARTY_INCLUDE OR NOT EXISTS "${COMMENTS_THIRD_PARTY_INCLUDE}/nlohmann/json.hpp")
    message(FATAL_ERROR "COMMENTS_THIRD_PARTY_INCLUDE must name a folder holding nlohmann/ and doctest/ "
                        "(the native build prepares it; build from the top level)")
  endif()
  add_library(nlohmann_json INTERFACE)
  target_include_directories(nlohmann_json SYSTEM INTERFACE "${COMMENTS_THIRD_PARTY_INCLUDE}")
  add_library(nlohmann_json::nlohmann_json ALIAS nlohmann_json)
  add_library(doctest INTERFACE)
  target_include_directories(doctest SYSTEM INTERFACE "${COMMENTS_THIRD_PARTY_INCLUDE}")
  add_library(doctest::doctest ALIAS doctest)
else()
  find_package(nlohmann_json 3.10 REQUIRED)
  find_package(doctest REQUIRED)
  find_package(Threads REQUIRED)
  set(COMMENTS_THIRD_PARTY_INCLUDE "${CMAKE_BINARY_DIR}/third_party/include")
  get_target_property(_json_inc nlohmann_json::nlohmann_json INTERFACE_INCLUDE_DIRECTORIES)
  get_target_property(_doctest_inc doctest::doctest INTERFACE_INCLUDE_DIRECTORIES)
  file(MAKE_DIRECTORY "${COMMENTS_THIRD_PARTY_INCLUDE}")
  foreach(_dir IN LISTS _json_inc)
    if(EXISTS "${_dir}/nlohmann/json.hpp")
      file(COPY "${_dir}/nlohmann" DESTINATION "${COMMENTS_THIRD_PARTY_INCLUDE}")
    endif()
  endforeach()
  foreach(_dir IN LISTS _doctest_inc)
    if(EXISTS "${_dir}/doctest/doctest.h")
      file(COPY "${_dir}/doctest" DESTINATION "${COMMENTS_THIRD_PARTY_INCLUDE}")
    endif()
  endforeach()
  if(NOT EXISTS "${COMMENTS_THIRD_PARTY_INCLUDE}/nlohmann/json.hpp" OR
     NOT EXISTS "${COMMENTS_THIRD_PARTY_INCLUDE}/doctest/doctest.h")
    message(FATAL_ERROR "could not copy nlohmann/json and doctest headers for the Wasm build")
  endif()
endif()
