// The default DynamicModel, compiled once for everything that links edgernn_io (the tools, the
// tests, the trainer): they see EDGERNN_DYNAMIC_MODEL_EXTERN and skip its kernels, which are
// the bulk of the compile time of any file that loads a model.
#include "edgernn/dynamic_model.hpp"

template class edgernn::BasicDynamicModel<edgernn::simd::default_arch>;
