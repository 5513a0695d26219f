# nlohmann/json for every target, as one interface target `omni::json`.
#
# Two traps (see shared/TOOLCHAIN.md):
#  * Debian's nlohmann_json::nlohmann_json adds `-isystem /usr/include`, which drags glibc headers
#    into the wasm sysroot. We expose only a build-tree folder holding a link to the `nlohmann/`
#    headers, for native and wasm builds alike.
#  * JSON_NOEXCEPTION must be defined in every translation unit that includes nlohmann (sdk and
#    server alike): mixing it with exception-enabled users in one binary is an ODR violation.
set(OMNI_NLOHMANN_DIR "/usr/include/nlohmann" CACHE PATH "Folder holding nlohmann/json.hpp")
if(NOT EXISTS "${OMNI_NLOHMANN_DIR}/json.hpp")
  message(FATAL_ERROR "nlohmann/json not found in ${OMNI_NLOHMANN_DIR}: run toolchain/install")
endif()
set(_omni_json_include "${CMAKE_BINARY_DIR}/omni-json-include")
file(MAKE_DIRECTORY "${_omni_json_include}")
file(CREATE_LINK "${OMNI_NLOHMANN_DIR}" "${_omni_json_include}/nlohmann" SYMBOLIC)

add_library(omni_json INTERFACE)
add_library(omni::json ALIAS omni_json)
target_include_directories(omni_json SYSTEM INTERFACE "${_omni_json_include}")
target_compile_definitions(omni_json INTERFACE JSON_NOEXCEPTION)
