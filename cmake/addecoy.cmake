# Helpers shared by the folder CMakeLists: dependency lookup and source globbing by naming rule.
#
# Naming rule (so that modules can be added without editing CMake):
#   main.c, cli_*.c  -> the folder's program, everything else -> the folder's library;
#   *_win.c          -> only when building for Windows;  *_posix.c -> only elsewhere.

function(addecoy_find_pkg prefix module)
  if(ADDECOY_PKG_STATIC)
    pkg_check_modules(${prefix} REQUIRED IMPORTED_TARGET GLOBAL ${module})
    # static linking needs the private libraries too
    pkg_check_modules(${prefix}_S REQUIRED ${module})
  else()
    pkg_check_modules(${prefix} REQUIRED IMPORTED_TARGET GLOBAL ${module})
  endif()
endfunction()

#   A subfolder with its own CMakeLists.txt is its own library and is left out.
function(addecoy_sources out_lib out_prog dir)
  file(GLOB_RECURSE all CONFIGURE_DEPENDS "${dir}/*.c")
  file(GLOB_RECURSE own_lists CONFIGURE_DEPENDS "${dir}/*/CMakeLists.txt")
  foreach(l IN LISTS own_lists)
    get_filename_component(sub "${l}" DIRECTORY)
    list(FILTER all EXCLUDE REGEX "^${sub}/")
  endforeach()
  set(lib "")
  set(prog "")
  foreach(f IN LISTS all)
    get_filename_component(n "${f}" NAME)
    if(n MATCHES "_win\\.c$" AND NOT WIN32)
      continue()
    endif()
    if(n MATCHES "_posix\\.c$" AND WIN32)
      continue()
    endif()
    if(n STREQUAL "main.c" OR n MATCHES "^cli_")
      list(APPEND prog "${f}")
    else()
      list(APPEND lib "${f}")
    endif()
  endforeach()
  set(${out_lib} "${lib}" PARENT_SCOPE)
  set(${out_prog} "${prog}" PARENT_SCOPE)
endfunction()
