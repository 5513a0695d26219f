# The pass over the linked omni.wasm that follows emcc's own: binaryen inlines every function of
# at most 5 bytes (libc++'s string and vector accessors, which -Oz leaves as calls) and shrinks
# the module again. 489 → 375 functions and 1.3 KB less raw; the browser compiles each wasm
# function on the main thread the first time it runs, so fewer of them on the start path mean an
# earlier ready (docs/wasm.md). The flags after the inlining limit are those emcc gives its own
# wasm-opt run. Rewrites the file in place:
#   cmake -DWASM=path/to/omni.wasm [-DKEEP_NAMES=ON] -P post_link.cmake
# KEEP_NAMES keeps the function names of a module linked with --profiling-funcs.
if(NOT WASM)
  message(FATAL_ERROR "post_link.cmake: pass -DWASM=<omni.wasm>")
endif()
find_program(WASM_OPT wasm-opt REQUIRED)
set(names_flag "")
if(KEEP_NAMES)
  set(names_flag "--debuginfo")
endif()
execute_process(
  COMMAND "${WASM_OPT}" "${WASM}" -Oz --always-inline-max-function-size=5
    --low-memory-unused --zero-filled-memory --mvp-features --enable-bulk-memory ${names_flag}
    -o "${WASM}"
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "post_link.cmake: wasm-opt failed on ${WASM}")
endif()
