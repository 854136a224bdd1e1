# Optional eBPF event source for `lockdown watch` (src/runtime/bpf/).
#
# When libbpf (pkg-config), clang and bpftool are all found, the kernel
# program src/runtime/bpf/lockdown.bpf.c is compiled with clang -target bpf
# (CO-RE: no vmlinux.h, libbpf relocates against the running kernel's BTF),
# `bpftool gen skeleton` turns the object into lockdown.skel.h in the build
# dir, and liblockdown gets LD_HAVE_BPF=1 and links libbpf. Otherwise eBPF is
# off, said once at configure time with the reason, and bpf_source.c builds
# its stub (ld_rt_bpf_open: LD_ERR_UNSUPPORTED, ld_rt_bpf_built(): false).
# LOCKDOWN_BPF=OFF turns it off on purpose.
#
# Included from the top-level CMakeLists.txt after liblockdown is defined;
# also run in script mode (-P) by the build to write the skeleton, so that
# no shell redirection is needed.

if(CMAKE_SCRIPT_MODE_FILE)
  execute_process(COMMAND ${BPFTOOL} gen skeleton ${OBJ} name lockdown_bpf
    OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc ERROR_VARIABLE msg)
  if(NOT rc EQUAL 0)
    file(REMOVE ${OUT}.tmp)
    message(FATAL_ERROR "bpftool gen skeleton ${OBJ} failed: ${msg}")
  endif()
  file(RENAME ${OUT}.tmp ${OUT})
  return()
endif()

option(LOCKDOWN_BPF "Build the eBPF event source when libbpf, clang and bpftool are found" ON)

set(LD_BPF_OFF_REASON "")
if(NOT LOCKDOWN_BPF)
  set(LD_BPF_OFF_REASON "LOCKDOWN_BPF=OFF")
else()
  pkg_check_modules(LIBBPF QUIET IMPORTED_TARGET libbpf>=0.7)
  find_program(LD_BPF_CLANG NAMES clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14)
  find_program(LD_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin /usr/local/sbin)
  # optional: drops the DWARF from the object (the BTF stays), a smaller lockdown
  find_program(LD_LLVM_STRIP NAMES llvm-strip llvm-strip-19 llvm-strip-18 llvm-strip-17
    llvm-strip-16 llvm-strip-15 llvm-strip-14)
  set(missing "")
  if(NOT LIBBPF_FOUND)
    list(APPEND missing "libbpf (pkg-config libbpf; Debian: libbpf-dev)")
  endif()
  if(NOT LD_BPF_CLANG)
    list(APPEND missing "clang")
  endif()
  if(NOT LD_BPFTOOL)
    list(APPEND missing "bpftool")
  endif()
  # the kernel-side architecture name the BPF tracing headers use
  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" ld_bpf_proc)
  if(ld_bpf_proc MATCHES "^(x86_64|amd64|i.86)$")
    set(LD_BPF_ARCH x86)
  elseif(ld_bpf_proc MATCHES "^(aarch64|arm64)$")
    set(LD_BPF_ARCH arm64)
  elseif(ld_bpf_proc MATCHES "^arm")
    set(LD_BPF_ARCH arm)
  elseif(ld_bpf_proc MATCHES "^(ppc64le|ppc64|powerpc64)")
    set(LD_BPF_ARCH powerpc)
  elseif(ld_bpf_proc MATCHES "^s390")
    set(LD_BPF_ARCH s390)
  elseif(ld_bpf_proc MATCHES "^riscv")
    set(LD_BPF_ARCH riscv)
  elseif(ld_bpf_proc MATCHES "^(loongarch64|mips)")
    string(REGEX REPLACE "64$" "" LD_BPF_ARCH "${ld_bpf_proc}")
  else()
    list(APPEND missing "support for the CPU '${CMAKE_SYSTEM_PROCESSOR}'")
  endif()
  if(missing)
    string(REPLACE ";" ", " missing "${missing}")
    set(LD_BPF_OFF_REASON "not found: ${missing}")
  endif()
endif()

if(LD_BPF_OFF_REASON)
  message(STATUS "eBPF: off (${LD_BPF_OFF_REASON}); lockdown watch will use the proc connector")
  set(LD_HAVE_BPF OFF)
  target_compile_definitions(liblockdown PRIVATE
    "LD_BPF_OFF_REASON=\"this lockdown was built without eBPF (${LD_BPF_OFF_REASON})\"")
  return()
endif()

set(LD_HAVE_BPF ON)
set(ld_bpf_src ${CMAKE_SOURCE_DIR}/src/runtime/bpf/lockdown.bpf.c)
set(ld_bpf_dir ${CMAKE_BINARY_DIR}/bpf)
set(ld_bpf_obj ${ld_bpf_dir}/lockdown.bpf.o)
set(ld_bpf_skel ${ld_bpf_dir}/lockdown.skel.h)
# <asm/types.h> (via <linux/types.h>) lives in the multiarch include dir,
# which clang -target bpf does not search by itself
set(ld_bpf_includes -I${CMAKE_SOURCE_DIR}/src)
foreach(dir ${LIBBPF_INCLUDE_DIRS})
  list(APPEND ld_bpf_includes -I${dir})
endforeach()
if(CMAKE_LIBRARY_ARCHITECTURE)
  list(APPEND ld_bpf_includes -idirafter /usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
endif()
set(ld_bpf_flags -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_${LD_BPF_ARCH} -Wall -Wno-unused-function)
if(LOCKDOWN_WERROR)
  list(APPEND ld_bpf_flags -Werror)
endif()

set(ld_bpf_strip)
if(LD_LLVM_STRIP)
  set(ld_bpf_strip COMMAND ${LD_LLVM_STRIP} -g ${ld_bpf_obj})
endif()
add_custom_command(OUTPUT ${ld_bpf_obj}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${ld_bpf_dir}
  COMMAND ${LD_BPF_CLANG} ${ld_bpf_flags} ${ld_bpf_includes} -c ${ld_bpf_src} -o ${ld_bpf_obj}
  ${ld_bpf_strip}
  DEPENDS ${ld_bpf_src} ${CMAKE_SOURCE_DIR}/src/runtime/bpf/abi.h
  COMMENT "Compiling the eBPF programs (clang -target bpf)"
  VERBATIM)
add_custom_command(OUTPUT ${ld_bpf_skel}
  COMMAND ${CMAKE_COMMAND} -DBPFTOOL=${LD_BPFTOOL} -DOBJ=${ld_bpf_obj} -DOUT=${ld_bpf_skel}
          -P ${CMAKE_SOURCE_DIR}/cmake/bpf.cmake
  DEPENDS ${ld_bpf_obj} ${CMAKE_SOURCE_DIR}/cmake/bpf.cmake
  COMMENT "Generating the eBPF skeleton (bpftool gen skeleton)"
  VERBATIM)
add_custom_target(lockdown_bpf_skel DEPENDS ${ld_bpf_skel})
add_dependencies(liblockdown lockdown_bpf_skel)
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/runtime/bpf_source.c PROPERTIES
  OBJECT_DEPENDS ${ld_bpf_skel})
target_include_directories(liblockdown PRIVATE ${ld_bpf_dir})
target_compile_definitions(liblockdown PRIVATE LD_HAVE_BPF=1)
target_link_libraries(liblockdown PUBLIC PkgConfig::LIBBPF)
message(STATUS "eBPF: on (libbpf ${LIBBPF_VERSION}, ${LD_BPF_CLANG}, ${LD_BPFTOOL}, arch ${LD_BPF_ARCH})")
