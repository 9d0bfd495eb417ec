# `cmake --install`: libsdgen, its public headers, a CMake package (find_package(sdgen) gives
# sdgen::sdgen) and a pkg-config file. The sdgen command installs itself from cli/.
include(CMakePackageConfigHelpers)

set(sdgen_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/sdgen)

install(TARGETS sdgen_lib EXPORT sdgenTargets)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/sdgen DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp")
install(EXPORT sdgenTargets NAMESPACE sdgen:: DESTINATION ${sdgen_cmake_dir})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/sdgenConfig.cmake.in
  ${PROJECT_BINARY_DIR}/sdgenConfig.cmake INSTALL_DESTINATION ${sdgen_cmake_dir})
# Before 1.0 a minor version may break the API: only the same major.minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sdgenConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sdgenConfig.cmake ${PROJECT_BINARY_DIR}/sdgenConfigVersion.cmake
  DESTINATION ${sdgen_cmake_dir})

# sdgen.pc finds the prefix from its own place (${pcfiledir}), so `cmake --install --prefix` may
# put the tree anywhere, as the CMake package allows too.
set(pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(pc_prefix "${CMAKE_INSTALL_PREFIX}")
  set(pc_libdir "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(pc_includedir "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH pc_to_prefix /prefix/${pc_dir} /prefix)  # "../.." for lib/pkgconfig
  string(REGEX REPLACE "/$" "" pc_to_prefix "${pc_to_prefix}")
  set(pc_prefix "\${pcfiledir}/${pc_to_prefix}")
  set(pc_libdir "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(pc_includedir "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
# What a static libsdgen leaves to its consumer: sdgen_lib's PRIVATE links, as in sdgenConfig.cmake.in.
set(pc_requires_private "libzstd zlib liblz4 libxxhash")
set(pc_libs_private "")
if(SDGEN_WITH_S3)
  string(APPEND pc_requires_private " pugixml")
  if(CMAKE_DL_LIBS)
    set(pc_libs_private "-l${CMAKE_DL_LIBS}")
  endif()
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/sdgen.pc.in ${PROJECT_BINARY_DIR}/sdgen.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/sdgen.pc DESTINATION ${pc_dir})
