// edgernn: library version.
#pragma once

#define EDGERNN_VERSION_MAJOR 0
#define EDGERNN_VERSION_MINOR 1
#define EDGERNN_VERSION_PATCH 0

namespace edgernn {
/// "major.minor.patch" of this library.
inline constexpr const char* version = "0.1.0";
}  // namespace edgernn
