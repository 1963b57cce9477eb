#!/usr/bin/env python3
"""chroot_exec.py ROOT WORKDIR USER ENV_FILE ARGV...: runs an image's command from its
unpacked root file system the way a container runtime would: chroot to ROOT, change to
WORKDIR, become USER (name, uid or uid:gid, looked up in ROOT's /etc/passwd and
/etc/group; empty for root), and execve ARGV[0] (searched in the image's PATH inside ROOT)
with exactly the environment in ENV_FILE (NAME=VALUE lines).

Under strace, the first execve after this program's chroot is the image's entrypoint."""
import os
import sys


def read_table(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n").split(":") for line in f if ":" in line]
    except OSError:
        return []


def identity(user):
    """(uid, gid, supplementary gids) for USER, read from the root's own files."""
    if not user:
        return None
    name, _, group = user.partition(":")
    uid = gid = None
    for e in read_table("/etc/passwd"):
        if len(e) >= 4 and (e[0] == name or e[2] == name):
            uid, gid, name = int(e[2]), int(e[3]), e[0]
            break
    if uid is None:
        if not name.isdigit():
            sys.exit(f"chroot_exec: no user {name!r} in the image")
        uid, gid = int(name), 0
    if group:
        gid = next((int(e[2]) for e in read_table("/etc/group")
                    if len(e) >= 3 and (e[0] == group or e[2] == group)), None)
        if gid is None:
            gid = int(group) if group.isdigit() else sys.exit(f"chroot_exec: no group {group!r}")
    extra = [int(e[2]) for e in read_table("/etc/group")
             if len(e) >= 4 and name in e[3].split(",")]
    return uid, gid, sorted(set([gid] + extra))


def find_program(argv0, env):
    if "/" in argv0:
        return argv0
    for d in env.get("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(":"):
        p = os.path.join(d or ".", argv0)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    sys.exit(f"chroot_exec: {argv0}: not found in the image's PATH")


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    root, workdir, user, env_file = sys.argv[1:5]
    argv = sys.argv[5:]
    env = {}
    with open(env_file, encoding="utf-8") as f:
        for line in f:
            k, sep, v = line.rstrip("\n").partition("=")
            if sep:
                env[k] = v
    os.chroot(root)
    os.makedirs(workdir or "/", exist_ok=True)
    os.chdir(workdir or "/")
    ident = identity(user)
    exe = find_program(argv[0], env)
    if ident:
        uid, gid, groups = ident
        os.setgroups(groups)
        os.setgid(gid)
        os.setuid(uid)
    os.execve(exe, argv, env)


if __name__ == "__main__":
    main()
