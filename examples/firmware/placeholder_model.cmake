# Writes the firmware's placeholder sine model as JSON (tests/data/golden/README.md layout):
# SimpleRNN(50, relu) + Dense(1), the shape of the sine task's model, with weights drawn from a
# fixed seed, so every build and every machine gets the same numbers. It only stands in until
# the trained model exists (EDGERNN_FIRMWARE_MODEL): its predictions are not a sine.
#   cmake -DOUT=sine_placeholder.json -P placeholder_model.cmake
set(units 50)
set(seed 20240501)

# A 31-bit linear congruential generator; values are drawn in thousandths so that the JSON
# holds short exact decimals.
macro(draw var limit)  # var = uniform integer thousandths in [-limit, limit], as a decimal
  math(EXPR seed "(1103515245 * ${seed} + 12345) % 2147483648")
  math(EXPR _t "(${seed} >> 8) % (2 * ${limit} + 1) - ${limit}")
  if(_t LESS 0)
    math(EXPR _a "-${_t}")
    set(_s "-")
  else()
    set(_a ${_t})
    set(_s "")
  endif()
  math(EXPR _i "${_a} / 1000")
  math(EXPR _f "${_a} % 1000 + 1000")
  string(SUBSTRING ${_f} 1 3 _f)
  set(${var} "${_s}${_i}.${_f}")
endmacro()

# Rows of `cols` values, each within ±limit/1000.
function(matrix out rows cols limit)
  set(text "")
  foreach(r RANGE 1 ${rows})
    set(row "")
    foreach(c RANGE 1 ${cols})
      draw(v ${limit})
      list(APPEND row ${v})
    endforeach()
    list(JOIN row ", " row)
    list(APPEND text "[${row}]")
  endforeach()
  list(JOIN text ", " text)
  set(${out} "${text}" PARENT_SCOPE)
  set(seed ${seed} PARENT_SCOPE)
endfunction()

# Kernel ±1 (one input), recurrent ±0.12 (a spectral radius near 0.5: the relu state stays
# bounded), bias ±0.1; the head ±0.2.
matrix(kernel 1 ${units} 1000)
matrix(recurrent ${units} ${units} 120)
matrix(bias 1 ${units} 100)
matrix(head ${units} 1 200)
file(WRITE ${OUT} "{\"in_shape\": [null, null, 1], \"layers\": [
  {\"type\": \"simple_rnn\", \"activation\": \"relu\", \"shape\": [null, null, ${units}],
   \"weights\": [[${kernel}], [${recurrent}], ${bias}]},
  {\"type\": \"dense\", \"activation\": \"\", \"shape\": [null, null, 1],
   \"weights\": [[${head}], [0.0]]}]}
")
