#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan/UBSan) and runs each for a short time
# (FUZZ_SECONDS, default 10), seeded with small real inputs from this machine. Exits
# non-zero if any target finds a crash, a leak or undefined behaviour.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-10}
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
TARGETS=(fuzz_pkgdb_dpkg fuzz_pkgdb_apk fuzz_pkgdb_rpm_header fuzz_pkgdb_bdb_hash fuzz_elf_reader
         fuzz_seccomp_analyze fuzz_resolve_node_scan fuzz_resolve_java_manifest
         fuzz_resolve_java_shell fuzz_resolve_java_jar fuzz_resolve_perl_modules
         fuzz_resolve_python_imports fuzz_resolve_postgres_conf fuzz_resolve_text_scan
         fuzz_resolve_iconv_use fuzz_resolve_python_module_names fuzz_seccomp_config_gate fuzz_seccomp_script_names
         fuzz_engine_messages fuzz_engine_ping fuzz_sign_signing_key fuzz_attach_referrers fuzz_sbom_app_metadata
         fuzz_verify_request fuzz_verify_openapi fuzz_verify_trace fuzz_harden_writes
         fuzz_fs_gzip_reader fuzz_harden_file_caps fuzz_resolve_openssl_dirs fuzz_java_jimage
         fuzz_java_module_info)
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DIMGSTRIP_FUZZ=ON -DIMGSTRIP_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIMGSTRIP_WERROR=ON >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target "${TARGETS[@]}" >/dev/null

corpus=$(mktemp -d "${TMPDIR:-/var/tmp}/imgstrip-fuzz.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
status=0
for t in "${TARGETS[@]}"; do
  bin=$(find "$BUILD" -type f -name "$t" -perm -u+x | head -1)
  [ -n "$bin" ] || { echo "fuzz: $t was not built"; status=1; continue; }
  dir="$corpus/$t"
  mkdir -p "$dir"
  case $t in
    fuzz_pkgdb_dpkg) head -c 20000 /var/lib/dpkg/status >"$dir/status" ;;
    fuzz_elf_reader|fuzz_seccomp_analyze)
      head -c 200000 /usr/bin/true >"$dir/true"
      # A Python extension module: its PyMethodDef table (python_methods.h).
      for f in /usr/lib/python3*/lib-dynload/termios.*.so; do
        if [ -f "$f" ]; then head -c 200000 "$f" >"$dir/termios.so"; fi
      done ;;
    fuzz_resolve_openssl_dirs)
      # libcrypto's compiled-in module directories (openssl_dirs.h).
      printf '\177ELF\0/usr/lib/x86_64-linux-gnu/engines-3\0MODULESDIR: "/usr/lib/ossl-modules"\0' \
        >"$dir/strings" ;;
    fuzz_seccomp_script_names)
      printf 'import os\nos.setpriority(0, 0, 5)  # 2nd\n' >"$dir/source.py"
      printf '\343)\003Z\004forkZ\013setpriorityz\003nic' >"$dir/bytecode"
      printf 'fastcgi_param PHP_VALUE "a=1\n output_handler=x";\n<?php echo 1; ?>\n' >"$dir/php" ;;
    fuzz_resolve_python_imports)
      printf 'import a.b as c, d\nfrom ..e import (f,\n g)\ntry:\n    import h\nexcept ImportError:\n    x = f"{y!r:>{w}}" + r"\\" + """z"""\nif sys.platform == "win32": import nt\n' \
        >"$dir/forms.py"
      for f in /usr/lib/python3*/os.py /usr/lib/python3*/typing.py; do
        if [ -f "$f" ]; then head -c 20000 "$f" >"$dir/$(basename "$f")"; fi
      done ;;
    fuzz_engine_messages)
      printf '{"stream":"Loaded image: web:1\\n"}\r\n{"status":"Loading layer","progressDetail":{"current":1,"total":2},"id":"ab"}\r\n' >"$dir/ok"
      printf '{"errorDetail":{"message":"invalid tar header"},"error":"invalid tar header"}\n' >"$dir/err" ;;
    fuzz_resolve_postgres_conf)
      printf "#jit = on\n  JIT = 'On' # c\njit_provider='a''b'\nshared_buffers 128MB\n" >"$dir/conf"
      printf 'exec postgres -c jit=on\nALTER SYSTEM SET jit TO off;\n' >"$dir/script"
      for f in /usr/share/postgresql/*/postgresql.conf.sample; do
        if [ -f "$f" ]; then head -c 20000 "$f" >"$dir/sample"; fi
      done ;;
    fuzz_resolve_python_module_names)
      printf 'x = import_string("werkzeug.debug:DebuggedApplication")\nh = {"class": "logging.handlers.X"}\n' >"$dir/source.py"
      printf '\177ELF\0xml.etree.ElementPath\0_strptime\0zoneinfo._common\0' >"$dir/strings" ;;
    fuzz_resolve_iconv_use)
      printf 'export LC_ALL="de_DE.ISO-8859-15@euro"\nLANG=C.UTF-8 env LC_CTYPE=${X:-C} prog\n' >"$dir/script" ;;
    fuzz_resolve_text_scan)
      printf '#!/usr/bin/env bash\nusage() {\n  cat >&2 <<-EOF\n\tlogin as $(id -un)\n\tEOF\n}\nfor dir in "$@"; do "$bindir/tool" /etc/x.conf; done\n' >"$dir/script"
      for f in /usr/bin/ldd /usr/sbin/update-ca-certificates; do
        if [ -f "$f" ]; then head -c 20000 "$f" >"$dir/$(basename "$f")"; fi
      done ;;
    fuzz_seccomp_config_gate)
      printf '[www]\nrequest_slowlog_timeout = 5s ; x\nprocess.priority=-5\nchroot = /srv\n' >"$dir/fpm"
      printf '[mysqld]\nchr = /srv\n# chroot\nexec mariadbd --LOOSE_chroot=/x\n' >"$dir/cnf"
      printf '[libdefaults]\n default_ccache_name = KEYRING:persistent:%%{uid}\n' >"$dir/krb5"
      printf '\177ELF\000KEYRING:\000KEYRING\000GNOME-KEYRING-X\000mkdir -m 700 %%s\000' >"$dir/elf"
      printf 'DIR=/x\nmkdir -p "$DIR" `a` $(b) "${c[@]}" \\\n  -Z\nX=$(sed -n "s/a/b/p" $F)\n' >"$dir/sh"
      printf 'http { read_ahead 1m; }\n[www]\nlisten.acl_users = a\n' >"$dir/acl" ;;
    fuzz_java_jimage|fuzz_java_module_info)
      # java.logging's declaration from the JDK, alone and in a small image.
      python3 scripts/java-fuzz-seeds.py /usr/lib/jvm/java-17-openjdk-amd64/lib/modules "$dir"
      printf 'Java_sun_nio_ch_EPoll_create\0Java_my_1pkg_Outer_00024Inner_run__I' >"$dir/jni" ;;
    fuzz_engine_ping) printf '1.41\0004.3.1' >"$dir/podman"; printf '1.43' >"$dir/docker" ;;
    fuzz_sign_signing_key)
      { printf '0'; openssl ecparam -genkey -name prime256v1 -noout 2>/dev/null; } >"$dir/sec1"
      { printf '1'; openssl ecparam -genkey -name prime256v1 -noout 2>/dev/null |
          openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:fuzz 2>/dev/null; } >"$dir/enc" ;;
    fuzz_attach_referrers)
      printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":2,"artifactType":"application/spdx+json"}]}' \
        "$(printf '0%.0s' $(seq 64))" >"$dir/index" ;;
    fuzz_sbom_app_metadata)
      printf '{"name":"@s/x","version":"1.0.0"}' >"$dir/package.json"
      printf 'Metadata-Version: 2.1\nName: Flask\nVersion: 2.2.2\n\n' >"$dir/METADATA"
      printf 'groupId=g\nartifactId=a\nversion=1\n' >"$dir/pom.properties"
      printf 'ID=debian\nVERSION_ID="12"\n' >"$dir/os-release" ;;
    fuzz_harden_writes)
      printf '#!/bin/sh\nsed "s/a/b/" /etc/t > /etc/nginx/sites-enabled/default\nmkdir -p /run/php /var/lib/x\nchown a:b /var/lib/x\ncp /a /b/c 2>>/var/log/e\n' >"$dir/script"
      printf 'pid = /run/php/fpm.pid\nerror_log = /var/log/php-fpm.log\n; /var/log/no\n' >"$dir/conf" ;;
    fuzz_harden_file_caps)  # ping's cap_net_raw+ep (revision 2), and revision 3 with a root uid
      printf '\001\000\000\002\000\040\000\000\000\000\000\000\000\000\000\000\000\000\000\000' >"$dir/v2"
      printf '\000\000\000\003\000\004\000\000\000\000\000\000\000\000\000\000\000\000\000\000\350\003\000\000' >"$dir/v3" ;;
    fuzz_fs_gzip_reader)
      head -c 30000 /usr/bin/true | gzip -6 >"$dir/one"
      { printf 'ab' | gzip; printf 'cd' | gzip -1; printf '\0\0'; } >"$dir/members" ;;
    fuzz_verify_request)
      printf '# guestbook\nPOST /index.php user=bob\nX-A: b\nGET :8080/x {"a":1}\n' >"$dir/ok" ;;
    fuzz_verify_openapi)
      printf '{"openapi":"3.0.0","paths":{"/p/{id}":{"parameters":[{"name":"id","in":"path","schema":{"type":"integer"}}],"post":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}}},"components":{"schemas":{"A":{"type":"object","properties":{"a":{"type":"string"}}}}}}' >"$dir/ok" ;;
    fuzz_verify_trace)
      printf '1 openat(AT_FDCWD, "/a\\x41", O_RDONLY) = -1 ENOENT (No such file)\n2 accept4(3, NULL <unfinished ...>\n2 <... accept4 resumed>) = -1 ENOSYS (x)\n' >"$dir/ok" ;;
  esac
  if "$bin" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 "$dir" >"$corpus/$t.log" 2>&1; then
    echo "fuzz: $t: $(grep -o 'Done [0-9]* runs' "$corpus/$t.log" | tail -1 || echo done), no findings"
  else
    echo "fuzz: $t FOUND A PROBLEM"; tail -30 "$corpus/$t.log"; status=1
  fi
done
exit $status
