// Debian 12 ships GCC 12's libstdc++ (symbol versions up to GLIBCXX_3.4.30). TorchSharp 0.107's
// libLibTorchSharp.so was linked against GCC 13 and asks for exactly one newer symbol:
// std::ios_base_library_init() (GLIBCXX_3.4.32), which GCC 13 calls from every translation unit that
// includes <iostream> in place of a static std::ios_base::Init object. This shim defines it, unversioned, and
// does what GCC 12's headers would have done: construct one std::ios_base::Init. It is LD_PRELOADed by
// ../train.sh only; nothing in the product links it.
#include <ios>

extern "C" void tensorcash_ios_base_library_init() __asm__("_ZSt21ios_base_library_initv");

extern "C" void tensorcash_ios_base_library_init()
{
    static std::ios_base::Init init;
}
