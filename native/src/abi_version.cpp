// Library-level entry points: ABI version and the thread-local last-error message.
#include "tensorcash.h"

extern "C" TC_API int32_t tc_abi_version(void) { return TC_ABI_VERSION; }
