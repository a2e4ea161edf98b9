// A tiny native library for the C/C++ worker example.
//
// Functions called from Python through ctypes must use C linkage (`extern "C"`), so their
// symbol names are not mangled by the C++ compiler.
#include <cstdint>

extern "C" int32_t get_sum(const int32_t a, const int32_t b) {
    return a + b;
}
