#!/usr/bin/env python3
"""strace_files.py ROOT MANIFEST LOG...: the image files an application touched.

MANIFEST lists the regular files of the unpacked image (written by `manifest` before the
application ran: "dev:inode size path" lines, path relative to ROOT). LOG files come from
`strace -f -y -z -e trace=chroot,open,openat,openat2,creat,execve,execveat` of
chroot_exec.py; only what follows the first execve after the chroot counts.

A file counts once (by device and inode, so hard links and every name a symlink gives it
are one file) when it was opened (the path strace decodes from the returned descriptor,
symlinks already followed) or executed (the path resolved inside ROOT, plus the script's
#! interpreter or the ELF program's PT_INTERP, which the kernel opens itself). Files the
application created do not count: only what the image shipped.

Prints "BYTES FILES" and, with --list, every counted path and its size."""
import os
import re
import struct
import sys

OPEN_RE = re.compile(r"^\d+ +(?:<\.\.\. )?(open|openat|openat2|creat)\b.*= \d+<(.*)>$")
EXEC_RE = re.compile(r'^\d+ +(execve|execveat)\((?:[^,]*, )?"((?:[^"\\]|\\.)*)"')


def manifest(root, out):
    with open(out, "w", encoding="utf-8", errors="surrogateescape") as f:
        for d, _dirs, files in os.walk(root):
            for n in files:
                p = os.path.join(d, n)
                st = os.lstat(p)
                if (st.st_mode & 0o170000) == 0o100000:
                    f.write(f"{st.st_dev}:{st.st_ino} {st.st_size} /{os.path.relpath(p, root)}\n")


def resolve(root, path, depth=0):
    """PATH (absolute, inside ROOT) with every symlink followed inside ROOT."""
    parts = [p for p in path.split("/") if p and p != "."]
    cur = ""
    for i, part in enumerate(parts):
        if part == "..":
            cur = cur.rsplit("/", 1)[0]
            continue
        nxt = cur + "/" + part
        host = root + nxt
        if os.path.islink(host) and depth < 40:
            target = os.readlink(host)
            base = "" if target.startswith("/") else cur
            rest = "/".join(parts[i + 1:])
            return resolve(root, base + "/" + target + ("/" + rest if rest else ""), depth + 1)
        cur = nxt
    return cur or "/"


def interpreter(root, path):
    """The #! interpreter or PT_INTERP of the file at PATH (inside ROOT), or None."""
    try:
        with open(root + path, "rb") as f:
            head = f.read(4096)
            if head.startswith(b"#!"):
                line = head[2:].split(b"\n", 1)[0].strip().split()
                return line[0].decode() if line else None
            if head[:4] != b"\x7fELF" or head[4] != 2:
                return None
            phoff, = struct.unpack_from("<Q", head, 0x20)
            phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                ph = f.read(phentsize)
                ptype, = struct.unpack_from("<I", ph, 0)
                if ptype == 3:  # PT_INTERP
                    off, = struct.unpack_from("<Q", ph, 8)
                    size, = struct.unpack_from("<Q", ph, 32)
                    f.seek(off)
                    return f.read(size).rstrip(b"\0").decode()
    except (OSError, struct.error, UnicodeDecodeError):
        pass
    return None


def main():
    args = sys.argv[1:]
    if args[:1] == ["manifest"]:
        manifest(args[1], args[2])
        return
    listing = "--list" in args
    args = [a for a in args if a != "--list"]
    root, man, logs = os.path.realpath(args[0]), args[1], args[2:]
    by_path = {}
    with open(man, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            ident, size, path = line.rstrip("\n").split(" ", 2)
            by_path[path] = (ident, int(size))
    seen = {}

    def count(path):
        entry = by_path.get(path)
        if entry and entry[0] not in seen:
            seen[entry[0]] = (path, entry[1])

    for log in logs:
        started = chrooted = False
        with open(log, encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                line = line.rstrip("\n")
                if not started:
                    if " chroot(" in line:
                        chrooted = True
                    if chrooted and EXEC_RE.match(line):
                        started = True
                    else:
                        continue
                m = OPEN_RE.match(line)
                if m:
                    p = m.group(2)
                    if p.startswith(root + "/"):
                        count(p[len(root):])
                    continue
                m = EXEC_RE.match(line)
                if m and m.group(2).startswith("/"):
                    exe = resolve(root, m.group(2))
                    count(exe)
                    for _ in range(4):  # a script's interpreter may be a script or an ELF
                        interp = interpreter(root, exe)
                        if not interp:
                            break
                        exe = resolve(root, interp)
                        count(exe)
    total = sum(size for _, size in seen.values())
    print(total, len(seen))
    if listing:
        for path, size in sorted(seen.values()):
            print(size, path)


if __name__ == "__main__":
    main()
