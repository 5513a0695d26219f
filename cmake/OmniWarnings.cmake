# Warnings are errors on our own targets only (never set globally), so that warnings
# inside Boost or other system headers never break the build. -Wnull-dereference is left out:
# GCC 12 reports it at -O2 inside Asio's scheduler, libstdc++ and nlohmann once inlined into
# our code (false positives in the libraries).
function(omni_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion
    -Wdouble-promotion -Wformat=2 -Werror)
endfunction()

# Test code gets the same warnings minus the ones Catch2 and rapidcheck macros trip.
function(omni_set_test_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Werror)
endfunction()
