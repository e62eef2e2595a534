# package.cmake -- libassay as an installed package: assay.pc (pkg-config),
# the CMake package (find_package(assay) gives assay::assay and
# assay::assay_static), and the Lua C module (require "assay" from lua5.4).
# Included at the end of the top CMakeLists.txt, after the library targets.
include(CMakePackageConfigHelpers)

set(ASSAY_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/assay)
set(ASSAY_RULES_DIR ${CMAKE_INSTALL_DATADIR}/assay/rules)
set(ASSAY_LUA_CDIR ${CMAKE_INSTALL_LIBDIR}/lua/5.4)
set(ASSAY_LUA_DIR ${CMAKE_INSTALL_DATADIR}/lua/5.4)

# ---- the CMake package ----------------------------------------------------
# assay::assay is the shared library (libassay.so.0, its dependencies
# private); assay::assay_static carries its dependencies as PkgConfig::*
# targets, which assayConfig.cmake recreates.
set_target_properties(assay_shared PROPERTIES EXPORT_NAME assay)
set_target_properties(assay_static PROPERTIES EXPORT_NAME assay_static)
install(EXPORT assayTargets NAMESPACE assay:: DESTINATION ${ASSAY_CMAKE_DIR})
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/assayConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/assayConfig.cmake
  INSTALL_DESTINATION ${ASSAY_CMAKE_DIR}
  PATH_VARS ASSAY_RULES_DIR ASSAY_LUA_CDIR ASSAY_LUA_DIR)
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/assayConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/assayConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/assayConfigVersion.cmake
        DESTINATION ${ASSAY_CMAKE_DIR})

# ---- pkg-config -----------------------------------------------------------
# The prefix is found from the .pc file's own place (${pcfiledir}), so the
# file stays right for `cmake --install --prefix P` and for a moved tree.
file(RELATIVE_PATH ASSAY_PC_TO_PREFIX
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" ASSAY_PC_TO_PREFIX "${ASSAY_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/assay.pc.in
               ${CMAKE_CURRENT_BINARY_DIR}/assay.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/assay.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# ---- the Lua C module -----------------------------------------------------
# Debian's /usr/bin/lua5.4 has Lua linked in statically and exports its API;
# libassay.so needs liblua5.4.so.0.  A module linked to libassay.so would map
# that second copy of Lua into the interpreter, so assay.so is made from the
# library's own object files instead, with no liblua at all: its lua_*
# symbols stay undefined and bind to whichever Lua the host process has (the
# interpreter's, or liblua5.4.so of a program that links it).  Everything
# else it needs comes from the same shared system libraries as libassay.
add_library(assay_lua MODULE $<TARGET_OBJECTS:assay_objects>)
set_target_properties(assay_lua PROPERTIES OUTPUT_NAME assay PREFIX ""
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lua)
target_include_directories(assay_lua PRIVATE ${LUA_INCLUDE_DIRS})
target_link_libraries(assay_lua PRIVATE PkgConfig::PCRE2 PkgConfig::YAML
  PkgConfig::UTF8PROC PkgConfig::JANSSON PkgConfig::SQLITE Threads::Threads m)
install(TARGETS assay_lua LIBRARY DESTINATION ${ASSAY_LUA_CDIR})
# The Lua modules of the assay namespace (assay.report, ...), where the
# stock interpreter looks: require "assay.report" works beside the C module.
install(DIRECTORY lua/assay DESTINATION ${ASSAY_LUA_DIR})
