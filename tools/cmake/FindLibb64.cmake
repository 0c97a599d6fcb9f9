# Finds libb64 (Debian: libb64-dev). Defines Libb64::Libb64.
find_path(LIBB64_INCLUDE_DIR NAMES b64/cencode.h)
find_library(LIBB64_LIBRARY NAMES b64)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libb64 REQUIRED_VARS LIBB64_LIBRARY LIBB64_INCLUDE_DIR)
if(Libb64_FOUND AND NOT TARGET Libb64::Libb64)
  add_library(Libb64::Libb64 UNKNOWN IMPORTED)
  set_target_properties(Libb64::Libb64 PROPERTIES
    IMPORTED_LOCATION "${LIBB64_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBB64_INCLUDE_DIR}")
endif()
mark_as_advanced(LIBB64_INCLUDE_DIR LIBB64_LIBRARY)
