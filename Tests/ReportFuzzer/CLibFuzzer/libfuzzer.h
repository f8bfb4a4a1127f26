// libFuzzer's driver entry point (compiler-rt, linked by -sanitize=fuzzer). Declared here so
// the fuzzer's own main can start it: SwiftPM gives every executable target its own main.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
