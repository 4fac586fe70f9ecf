# Modules: each library layer (or crypto algorithm) is an OBJECT library named qstp_<name>.
# Tests and tools link only the modules they need (with their dependencies), so a half-written
# module never breaks the build of another. libqstp (static and shared) is all of them.
#
# Per-file ISA flags by file-name suffix: *_avx2.c, *_aesni.c, *_avx512.c. Such code must only
# run after a CPUID check (see src/crypto/cpu.h). Those files are always compiled optimised (-O2
# in Debug too): unoptimised intrinsic code gives every temporary its own stack slot (the 4-way
# Keccak rounds take 28 KiB at -O0), which breaks ML-DSA's 64 KiB stack budget and outgrows the
# fixed-size scrub that wipes the rounds' register spills (tests/review finding R-STK-1).

function(qstp_module NAME)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT M_SOURCES)
    return()
  endif()
  add_library(qstp_${NAME} OBJECT ${M_SOURCES})
  target_include_directories(qstp_${NAME} PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
  set(opt "$<$<NOT:$<CONFIG:Release,RelWithDebInfo,MinSizeRel>>:-O2>")
  foreach(src IN LISTS M_SOURCES)
    if(src MATCHES "_avx2\\.c$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "-mavx2;-mbmi;-mbmi2;-mpopcnt;${opt}")
    elseif(src MATCHES "_aesni\\.c$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "-maes;-msse4.1;-mssse3;-mpclmul;${opt}")
    elseif(src MATCHES "_avx512\\.c$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "-mavx512f;-mavx512bw;-mavx512vl;-mvaes;-maes;-mavx2;${opt}")
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY QSTP_DEPS_${NAME} "${M_DEPS}")
  set_property(GLOBAL APPEND PROPERTY QSTP_MODULES ${NAME})
endfunction()

# Dependency closure of a list of module names (modules that do not exist are skipped).
function(qstp_module_closure OUT)
  set(todo ${ARGN})
  set(done "")
  while(todo)
    list(POP_FRONT todo m)
    if(m IN_LIST done OR NOT TARGET qstp_${m})
      continue()
    endif()
    list(APPEND done ${m})
    get_property(deps GLOBAL PROPERTY QSTP_DEPS_${m})
    list(APPEND todo ${deps})
  endwhile()
  set(${OUT} ${done} PARENT_SCOPE)
endfunction()

# qstp_link_modules(target mod...): compile the modules' objects into target.
function(qstp_link_modules TARGET)
  qstp_module_closure(mods ${ARGN})
  foreach(m IN LISTS mods)
    target_sources(${TARGET} PRIVATE $<TARGET_OBJECTS:qstp_${m}>)
  endforeach()
  target_include_directories(${TARGET} PRIVATE ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${TARGET} PRIVATE Threads::Threads)
endfunction()

function(qstp_define_library)
  get_property(mods GLOBAL PROPERTY QSTP_MODULES)
  set(objs "")
  foreach(m IN LISTS mods)
    list(APPEND objs $<TARGET_OBJECTS:qstp_${m}>)
  endforeach()
  add_library(qstp STATIC ${objs})
  add_library(qstp_shared SHARED ${objs})
  set_target_properties(qstp_shared PROPERTIES OUTPUT_NAME qstp VERSION ${PROJECT_VERSION}
                        SOVERSION ${PROJECT_VERSION_MAJOR})
  foreach(t qstp qstp_shared)
    target_include_directories(${t} PUBLIC ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(${t} PUBLIC Threads::Threads)
  endforeach()
endfunction()
