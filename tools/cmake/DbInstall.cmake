# Installed like a Debian tool (issue #13): what `cmake --install` puts
# where (GNUInstallDirs), and the .deb CPack builds from it.
#
# Each program in DB_PROGRAMS (the top CMakeLists.txt lists them; a new one
# is added there) is a target of that name with a man page docs/man/NAME.1,
# and gets: the binary in bin/, the man page (version filled in, gzipped)
# in man1/, and a bash completion generated from its own --help
# (tools/completion/generate.sh). Other man pages (section 5) are listed in
# DB_MAN_PAGES.
include(GNUInstallDirs)

set(DB_COMPLETIONSDIR "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
  CACHE STRING "where bash-completion looks for a command's completion")
set(DB_MAINTAINER "Seed bf2a4fe5 maintainers <maintainers@users.noreply.b-seed-bf2a4fe5.example>"
  CACHE STRING "the Maintainer of the .deb")
set(DB_FORMAT_VERSION "")
file(STRINGS ${CMAKE_SOURCE_DIR}/format/model/schema.h DB_FORMAT_VERSION_LINE
  REGEX "#define FMT_FORMAT_VERSION ")
string(REGEX REPLACE ".*\"(.*)\".*" "\\1" DB_FORMAT_VERSION "${DB_FORMAT_VERSION_LINE}")
find_program(DB_GZIP gzip REQUIRED)

# docs/man/PAGE (e.g. dbexport.1): @PROJECT_VERSION@ and @DB_FORMAT_VERSION@
# filled in, gzipped as Debian policy wants, installed in its section.
function(db_man_page page)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  set(plain ${CMAKE_BINARY_DIR}/man/${page})
  configure_file(${CMAKE_SOURCE_DIR}/docs/man/${page} ${plain} @ONLY)
  add_custom_command(OUTPUT ${plain}.gz
    COMMAND ${DB_GZIP} -9nf -k ${plain}
    DEPENDS ${plain} COMMENT "Compressing man page ${page}")
  add_custom_target(man_${page} ALL DEPENDS ${plain}.gz)
  install(FILES ${plain}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endfunction()

function(db_install_program name)
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  db_man_page(${name}.1)
  set(out ${CMAKE_BINARY_DIR}/completion/${name})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/completion
    # (a sanitizer build's --help must not fail where LeakSanitizer cannot run)
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
      bash ${CMAKE_SOURCE_DIR}/tools/completion/generate.sh ${name} $<TARGET_FILE:${name}> ${out}
    DEPENDS ${name} ${CMAKE_SOURCE_DIR}/tools/completion/generate.sh
      ${CMAKE_SOURCE_DIR}/tools/completion/completion.bash
    COMMENT "Generating the bash completion of ${name} from its --help")
  add_custom_target(completion_${name} ALL DEPENDS ${out})
  install(FILES ${out} DESTINATION ${DB_COMPLETIONSDIR})
endfunction()

foreach(program ${DB_PROGRAMS})
  db_install_program(${program})
endforeach()
foreach(page ${DB_MAN_PAGES})
  db_man_page(${page})
endforeach()
install(FILES README.md docs/USAGE.md docs/DBDIFF.md docs/FORMAT.md docs/MAPPING.md docs/SECURITY.md docs/jq.md
  docs/sanitising.md schemas/dbexport-1.schema.json DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The .deb: `cpack -G DEB` in the build directory. Runtime dependencies
# come from dpkg-shlibdeps (dpkg-dev) over the installed binaries; without
# it, the libraries the programs link are listed by hand.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dbexport)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${DB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "move whole databases between SQLite and PostgreSQL")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "dbexport writes a whole database (schema, rows, indexes, constraints, views
and triggers) to one versioned JSON interchange file, optionally gzip
compressed; dbimport loads such a file into a database, all-or-nothing.
Both speak SQLite and PostgreSQL with pgvector, in every direction. The
file is plain JSON, so it can be inspected or rewritten with jq in between.
dbdiff compares two databases or export files by meaning, in constant
memory, to prove that a copy holds what the original holds.")
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "jq, sqlite3, bash-completion")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
find_program(DB_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(DB_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libsqlite3-0, libpq5, zlib1g, libjq1")
endif()
include(CPack)
