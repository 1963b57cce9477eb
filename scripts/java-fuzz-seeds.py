#!/usr/bin/env python3
"""Seeds for fuzz_java_jimage and fuzz_java_module_info (scripts/fuzz.sh): java.logging's
module-info.class from the host JDK's run-time image, and a small jimage holding it and one
class. Usage: java-fuzz-seeds.py JDK_MODULES OUT_DIR"""
import struct
import sys


def module_info(path, module):
    d = open(path, "rb").read()
    _, _, _, _, tl, ls, ss = struct.unpack("<7I", d[:28])
    offsets = 28 + tl * 4
    locs = offsets + tl * 4
    strs = locs + ls
    index = strs + ss

    def s(o):
        return d[strs + o:d.index(b"\0", strs + o)].decode()

    for i in range(tl):
        p = locs + struct.unpack("<I", d[offsets + i * 4:offsets + i * 4 + 4])[0]
        a = {}
        while d[p] >> 3:
            n = (d[p] & 7) + 1
            a[d[p] >> 3] = int.from_bytes(d[p + 1:p + 1 + n], "big")
            p += 1 + n
        if s(a.get(1, 0)) == module and s(a.get(3, 0)) == "module-info" and not a.get(2):
            return d[index + a.get(5, 0):index + a.get(5, 0) + a[7]]
    raise SystemExit(f"{module}: no module-info in {path}")


def jimage(resources):
    strings, at, locations, offsets, content = b"\0", {}, b"\0", [], b""

    def st(x):
        nonlocal strings
        if not x:
            return 0
        if x not in at:
            at[x] = len(strings)
            strings += x.encode() + b"\0"
        return at[x]

    def attr(kind, v):
        nonlocal locations
        n = max(1, (v.bit_length() + 7) // 8)
        locations += bytes([kind << 3 | (n - 1)]) + v.to_bytes(n, "big")

    for (module, parent, base, ext), data in resources:
        offsets.append(len(locations))
        attr(1, st(module))
        if parent:
            attr(2, st(parent))
        attr(3, st(base))
        attr(4, st(ext))
        attr(5, len(content))
        attr(7, len(data))
        locations += b"\0"
        content += data
    head = struct.pack("<7I", 0xCAFEDADA, 1 << 16, 0, len(resources), len(offsets),
                       len(locations), len(strings))
    return (head + b"\0" * 4 * len(offsets) + b"".join(struct.pack("<I", o) for o in offsets)
            + locations + strings + content)


mi = module_info(sys.argv[1], "java.logging")
open(f"{sys.argv[2]}/module-info.class", "wb").write(mi)
open(f"{sys.argv[2]}/modules", "wb").write(jimage([
    (("java.logging", "java/util/logging", "Logger", "class"), b"\xca\xfe\xba\xbe"),
    (("java.logging", "", "module-info", "class"), mi)]))
