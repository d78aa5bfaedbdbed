# mingw-w64.cmake - CMake toolchain for cross-building ADDecoy for 64-bit Windows with MinGW-w64 on
# Linux: static executables that import only system DLLs, dependencies from the prefix that
# installer/build-deps.sh builds and caches (built on first use), tests run under Wine.
#
#   cmake --preset mingw          (or -DCMAKE_TOOLCHAIN_FILE=installer/mingw-w64.cmake)
#
# ADDECOY_MINGW_PREFIX (cache or environment) names a ready dependency prefix and skips build-deps.sh.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(ADDECOY_MINGW_HOST x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${ADDECOY_MINGW_HOST}-gcc)
set(CMAKE_RC_COMPILER ${ADDECOY_MINGW_HOST}-windres)
set(CMAKE_AR ${ADDECOY_MINGW_HOST}-ar CACHE FILEPATH "archiver")
set(CMAKE_RANLIB ${ADDECOY_MINGW_HOST}-ranlib CACHE FILEPATH "ranlib")
set(ADDECOY_WINDMC ${ADDECOY_MINGW_HOST}-windmc CACHE STRING "message compiler")

# The dependency prefix: given, or built/reused by build-deps.sh (seconds when cached).
if(NOT ADDECOY_MINGW_PREFIX AND DEFINED ENV{ADDECOY_MINGW_PREFIX})
  set(ADDECOY_MINGW_PREFIX "$ENV{ADDECOY_MINGW_PREFIX}")
endif()
if(NOT ADDECOY_MINGW_PREFIX)
  message(STATUS "ADDecoy: preparing the MinGW dependency prefix (installer/build-deps.sh)")
  execute_process(COMMAND bash "${CMAKE_CURRENT_LIST_DIR}/build-deps.sh"
                  OUTPUT_VARIABLE _addecoy_deps_out RESULT_VARIABLE _addecoy_deps_rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _addecoy_deps_rc EQUAL 0)
    message(FATAL_ERROR "installer/build-deps.sh failed (exit ${_addecoy_deps_rc}); see its output above")
  endif()
  string(REGEX REPLACE ".*\n" "" _addecoy_deps_out "${_addecoy_deps_out}")
  set(ADDECOY_MINGW_PREFIX "${_addecoy_deps_out}" CACHE PATH "MinGW dependency prefix" FORCE)
endif()
if(NOT EXISTS "${ADDECOY_MINGW_PREFIX}/lib/pkgconfig")
  message(FATAL_ERROR "ADDECOY_MINGW_PREFIX '${ADDECOY_MINGW_PREFIX}' has no lib/pkgconfig")
endif()
set(ENV{ADDECOY_MINGW_PREFIX} "${ADDECOY_MINGW_PREFIX}") # seen by try_compile's re-reads of this file
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ADDECOY_MINGW_PREFIX)

set(CMAKE_FIND_ROOT_PATH /usr/${ADDECOY_MINGW_HOST} "${ADDECOY_MINGW_PREFIX}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config sees only the prefix's .pc files (absolute paths inside, no sysroot rewriting), then
# Debian's MinGW packages (zlib: libz-mingw-w64-dev, installed by prepare-windows.sh).
set(ENV{PKG_CONFIG_LIBDIR} "${ADDECOY_MINGW_PREFIX}/lib/pkgconfig:/usr/${ADDECOY_MINGW_HOST}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
set(PKG_CONFIG_EXECUTABLE pkg-config CACHE FILEPATH "pkg-config")
# Everything in the prefix is a static archive: every consumer needs the private libraries too.
set(PKG_CONFIG_ARGN --static CACHE STRING "pkg-config arguments")

# Static: no libgcc/libwinpthread DLLs next to the exe.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc")

# Cross-built programs (the unit tests) run under Wine through a wrapper that prepares the prefix.
set(CMAKE_CROSSCOMPILING_EMULATOR bash "${CMAKE_CURRENT_LIST_DIR}/wine-run.sh")
