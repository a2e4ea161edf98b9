#!/usr/bin/env sh
# Build lib.so from simple_cpp_lib.cpp with the system C++ compiler.
# Usage: examples/cpp/build.sh        (writes examples/cpp/lib.so)
set -eu
cd "$(dirname "$0")"
CXX="${CXX:-c++}"
"$CXX" -c -fPIC simple_cpp_lib.cpp -o simple_cpp_lib.o
if [ "$(uname -s)" = "Darwin" ]; then
    # macOS records the library's install name; GNU ld has no such flag.
    "$CXX" -shared -Wl,-install_name,lib.so -o lib.so simple_cpp_lib.o
else
    "$CXX" -shared -o lib.so simple_cpp_lib.o
fi
echo "built $(pwd)/lib.so"
