#!/usr/bin/env python3
"""Marks one required symbol version of an ELF shared object weak (VER_FLG_WEAK), in place.

Why: glibc refuses to load an object whose verneed names a version its dependency lacks, unless the
requirement is weak. TorchSharp's libLibTorchSharp.so needs GLIBCXX_3.4.32 for one symbol that
ios_base_library_init.cpp provides; marking the requirement weak lets the loader take that definition.
Usage: mark_version_weak.py LIB VERSION   (idempotent; prints what it changed)."""
import struct, sys

VER_FLG_WEAK = 0x2

def main(path, version):
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit(f"{path}: not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    SHT_GNU_verneed = 0x6ffffffe
    changed = 0
    for (_, typ, _, _, off, _, link, info, _, _) in sections:
        if typ != SHT_GNU_verneed:
            continue
        strtab_off = sections[link][4]
        def name_at(o):
            end = data.index(0, strtab_off + o)
            return data[strtab_off + o:end].decode()
        need = off
        for _ in range(info):
            vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, need)
            aux = need + vn_aux
            for _ in range(vn_cnt):
                vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
                if name_at(vna_name) == version:
                    struct.pack_into("<H", data, aux + 4, vna_flags | VER_FLG_WEAK)
                    changed += 1
                    print(f"{path}: {version} (needed from {name_at(vn_file)}) marked weak")
                aux += vna_next
            if vn_next == 0:
                break
            need += vn_next
    if changed == 0:
        print(f"{path}: no requirement for {version}")
    open(path, "wb").write(data)

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
