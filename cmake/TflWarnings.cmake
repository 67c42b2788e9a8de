# tfl_warnings(TARGET): the project's warning set, as errors when TFL_WERROR.
function(tfl_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -pedantic -Wstrict-prototypes -Wmissing-prototypes
    -Wshadow -Wformat=2 -Wvla -Wno-unused-parameter)
  if(TFL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
