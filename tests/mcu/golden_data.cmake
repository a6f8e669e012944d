# Turns one golden case (tests/data/golden/CASE) into a C++ header for a target without files:
# the input rows as float, PyTorch's expected outputs as double, and the bytes of the case's
# model file (.ern).
#   cmake -DCASE=name -DDIR=tests/data/golden/name -DERN=name.ern -DOUT=name_data.hpp
#         -P golden_data.cmake
function(csv_values file suffix out_values out_rows out_cols)
  file(STRINGS ${file} rows)
  list(LENGTH rows n)
  list(GET rows 0 first)
  string(REPLACE "," ";" first "${first}")
  list(LENGTH first cols)
  list(JOIN rows "," flat)
  string(REPLACE "," ";" values "${flat}")
  list(TRANSFORM values STRIP)
  list(TRANSFORM values REPLACE "^([-+]?[0-9]+)$" "\\1.0")  # a float literal needs a point
  list(TRANSFORM values APPEND "${suffix}")
  list(JOIN values ",\n    " text)
  set(${out_values} "${text}" PARENT_SCOPE)
  set(${out_rows} ${n} PARENT_SCOPE)
  set(${out_cols} ${cols} PARENT_SCOPE)
endfunction()

csv_values(${DIR}/input.csv "f" input steps in)
csv_values(${DIR}/expected.csv "" expected steps_out out)
if(NOT steps EQUAL steps_out)
  message(FATAL_ERROR "${DIR}: ${steps} input rows but ${steps_out} expected rows")
endif()
file(READ ${ERN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR n "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")

file(WRITE ${OUT} "// ${CASE}: generated from tests/data/golden/${CASE} by golden_data.cmake; do not edit.
#pragma once

#include <cstddef>

namespace ${CASE}::golden {

inline constexpr std::size_t steps = ${steps};
inline constexpr std::size_t inputs = ${in};
inline constexpr std::size_t outputs = ${out};
/// steps x inputs
inline constexpr float input[] = {
    ${input}};
/// steps x outputs: PyTorch in float64
inline constexpr double expected[] = {
    ${expected}};
/// The case's model file (edgernn convert model.json).
inline constexpr unsigned char model_file[${n}] = {${bytes}};

}  // namespace ${CASE}::golden
")
