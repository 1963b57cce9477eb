#!/usr/bin/env bash
# Hardening baked into a stripped image: the capabilities label narrows what podman grants
# (inside, /proc/self/status shows only the listed capabilities) and the guestbook still
# answers under it and the image's seccomp profile; the SELinux module and AppArmor
# profile written to --policy-dir compile with the real tool chains and are the ones in the
# labels; a non-root image needs no capabilities; flag errors are usage errors.
source "$(dirname "$0")/lib.sh"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)

# The capability numbers of include/uapi/linux/capability.h used below.
declare -A CAP_BIT=([CHOWN]=0 [DAC_OVERRIDE]=1 [DAC_READ_SEARCH]=2 [FOWNER]=3 [FSETID]=4
  [KILL]=5 [SETGID]=6 [SETUID]=7 [SETPCAP]=8 [NET_BIND_SERVICE]=10 [NET_RAW]=13
  [SYS_CHROOT]=18 [SYS_PTRACE]=19 [SYS_ADMIN]=21 [MKNOD]=27 [AUDIT_WRITE]=29 [SETFCAP]=31)
# cap_mask "CHOWN,SETUID": the 16-hex-digit mask /proc/PID/status shows for that set.
cap_mask() {
  local mask=0 c
  for c in ${1//,/ }; do
    [ -n "${CAP_BIT[$c]:-}" ] || { echo "unknown capability $c" >&2; return 1; }
    mask=$((mask | (1 << CAP_BIT[$c])))
  done
  printf '%016x\n' "$mask"
}
# caps_of CONTAINER PID: the CapPrm/CapEff/CapBnd lines of /proc/PID/status inside it, read
# with the shell's builtins (the stripped image has no cat or grep).
caps_of() {
  podman exec "$1" /bin/sh -c 'while read -r k v; do case $k in CapPrm:|CapEff:|CapBnd:) echo "$k $v";; esac; done </proc/'"$2"'/status'
}

start_registry
echo "registry at $REGISTRY; building csvs-web"
check "build and push csvs-web" bash "$EXAMPLES/csvs-web/build.sh" localhost/csvs2021-web_i:latest \
  "docker://$REGISTRY/csvs2021-web_i:latest"

echo "strip csvs-web with hardening"
policy="$WORK/policy"
"$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
  -t "$REGISTRY/stripped-h:1" --seccomp-cache "$WORK/cache" --policy-dir "$policy" \
  --json --report "$WORK/report.json" >"$WORK/summary.json" 2>"$WORK/strip.err"
check_eq "strip with --policy-dir exits 0" 0 "$?"
name=$(jq -r .hardening.name "$WORK/summary.json")
check_eq "the policy name comes from the image name" csvs2021_web_i "$name"
caps=$(jq -r .hardening.capabilities_label "$WORK/report.json")
echo "  capabilities: $caps"
cfg=$(skopeo inspect --tls-verify=false --config "docker://$REGISTRY/stripped-h:1")
label() { jq -r --arg k "$1" '.config.Labels[$k] // "<none>"' <<<"$cfg"; }
check_eq "the label io.containers.capabilities lists the derived set" "$caps" \
  "$(label io.containers.capabilities)"
for c in SETUID SETGID NET_BIND_SERVICE; do
  check "$c is derived (root master dropping to www-data on port 80)" grep -qw "$c" <<<"${caps//,/ }"
done
for c in SYS_ADMIN NET_RAW MKNOD AUDIT_WRITE SETFCAP SETPCAP FSETID; do
  check "$c is not" bash -c "! grep -qw $c <<<'${caps//,/ }'"
done
check "every capability has a reason in the report" jq -e \
  '[.hardening.capabilities[] | select((.reasons | length) == 0)] | length == 0' "$WORK/report.json"
check_eq "the report's reasons name the reachable syscalls" "true" \
  "$(jq '[.hardening.capabilities[] | select(.name == "CAP_SETUID") | .reasons[] | test("setuid|setresuid")] | any' "$WORK/report.json")"
check_eq "the SELinux type label" "${name}_t" "$(label io.imgstrip.selinux.type)"
check_eq "the AppArmor profile label" "$name" "$(label io.imgstrip.apparmor.profile)"
for f in te fc cil apparmor; do
  check "$name.$f is written to --policy-dir" test -s "$policy/$name.$f"
done
check_eq "the .te in the label is the written one" "$(cat "$policy/$name.te")" "$(label io.imgstrip.selinux.te)"
check_eq "the CIL in the label is the written one" "$(cat "$policy/$name.cil")" "$(label io.imgstrip.selinux.cil)"
check_eq "the AppArmor profile in the label is the written one" "$(cat "$policy/$name.apparmor")" \
  "$(label io.imgstrip.apparmor)"
check "the README says how to load the module" grep -q "semodule -i $name.pp" "$policy/README"
check "the README says how to run with it" grep -q "label=type:${name}_t" "$policy/README"
check "the seccomp profile is there too" test "$(label io.containers.seccomp.profile)" != "<none>"

echo "the written policies against the real tool chains"
(cd "$policy" && checkmodule -M -m -o "$name.mod" "$name.te" >"$WORK/checkmodule.log" 2>&1 &&
  semodule_package -o "$name.pp" -m "$name.mod" -f "$name.fc" >>"$WORK/checkmodule.log" 2>&1)
check_eq "checkmodule -M -m and semodule_package build $name.pp" 0 "$?"
# Installed into a copy of Debian's reference policy store (-n: the machine's is untouched).
store="$WORK/store"
mkdir -p "$store/etc/selinux" "$store/var/lib/selinux"
cp -a /etc/selinux/default /etc/selinux/config "$store/etc/selinux/" &&
  cp -a /var/lib/selinux/default "$store/var/lib/selinux/"
check "semodule -n -i installs it into the reference policy" semodule -p "$store" -n -i "$policy/$name.pp"
kernel_policy=$(ls "$store"/etc/selinux/default/policy/policy.* 2>/dev/null | head -1)
check "the built policy lets ${name}_t bind the http port" bash -c \
  "sesearch -A -s ${name}_t -c tcp_socket -p name_bind '$kernel_policy' | grep -q 'allow ${name}_t http_port_t:tcp_socket name_bind'"
check "apparmor_parser parses the profile" apparmor_parser -Q -T -K "$policy/$name.apparmor"

echo "podman honours the capabilities label"
check "podman pulls the stripped image" podman pull -q --tls-verify=false "$REGISTRY/stripped-h:1"
port_o=$(free_port); port_s=$(free_port)
run_image imgstrip-h-orig localhost/csvs2021-web_i:latest "$port_o"
run_image imgstrip-h-strip "$REGISTRY/stripped-h:1" "$port_s" --seccomp-policy=image
check "original guestbook answers" wait_http "$port_o"
check "stripped guestbook answers with the label's capabilities and the image's profile" wait_http "$port_s"
guestbook "$port_o" >"$WORK/orig.out"
guestbook "$port_s" >"$WORK/strip.out"
check "identical responses to the coursework inputs" diff "$WORK/orig.out" "$WORK/strip.out"
want=$(cap_mask "$caps")
for pid in self 1; do
  got=$(caps_of imgstrip-h-strip "$pid")
  echo "  /proc/$pid/status: $(tr '\n' ' ' <<<"$got")"
  check_eq "/proc/$pid/status: CapPrm is the listed set" "CapPrm: $want" "$(grep CapPrm <<<"$got")"
  check_eq "/proc/$pid/status: CapEff is the listed set" "CapEff: $want" "$(grep CapEff <<<"$got")"
  check_eq "/proc/$pid/status: CapBnd is the listed set" "CapBnd: $want" "$(grep CapBnd <<<"$got")"
done
# The control: the original, without the label, gets podman's whole default set.
default=$(cap_mask CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,NET_BIND_SERVICE,SETFCAP,SETGID,SETPCAP,SETUID,SYS_CHROOT)
check_eq "without the label podman grants its default set (the control)" "CapBnd: $default" \
  "$(caps_of imgstrip-h-orig 1 | grep CapBnd)"
podman rm -f imgstrip-h-orig imgstrip-h-strip >/dev/null 2>&1

echo "a non-root image, --cap-add, --no-harden and flag errors"
# The same files as a non-root image on a high port (a config made fresh by podman import:
# a Dockerfile cannot take back the original's EXPOSE 80).
podman rm -f imgstrip-h-export >/dev/null 2>&1
podman create -q --name imgstrip-h-export localhost/csvs2021-web_i:latest >/dev/null &&
  podman export imgstrip-h-export | podman import -q --change 'USER www-data' --change 'EXPOSE 8080' \
    --change 'ENTRYPOINT ["/docker-entrypoint.sh"]' - localhost/imgstrip-h-nonroot:latest >/dev/null &&
  podman push -q --tls-verify=false localhost/imgstrip-h-nonroot:latest "docker://$REGISTRY/nonroot:1"
check_eq "a non-root copy on port 8080 is pushed" 0 "$?"
podman rm -f imgstrip-h-export >/dev/null 2>&1
"$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/nonroot:1" -p nginx -p php-fpm \
  --seccomp-cache "$WORK/cache" -t "oci:$WORK/nonroot:x" --report "$WORK/nonroot.json" >/dev/null 2>&1
check_eq "the non-root image strips" 0 "$?"
check_eq "as www-data on port 8080 it needs no capabilities" '[]' \
  "$(jq -c '[.hardening.capabilities[].name]' "$WORK/nonroot.json")"
check_eq "so there is no capabilities label" "null" \
  "$(skopeo inspect --config "oci:$WORK/nonroot:x" | jq -c '.config.Labels["io.containers.capabilities"]')"
check "the non-root image's module binds 8080 with the policy's type for it" jq -e \
  '.hardening.port_types.rules | map(startswith("8080/tcp ")) | any' "$WORK/nonroot.json"
"$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
  --seccomp-cache "$WORK/cache" --cap-add net_raw --policy-name web \
  -t "oci:$WORK/capadd:x" --report "$WORK/capadd.json" >/dev/null 2>&1
check_eq "--cap-add and --policy-name strip" 0 "$?"
check "--cap-add NET_RAW is in the label with the reason requested" jq -e \
  '.hardening.capabilities[] | select(.name == "CAP_NET_RAW") | .reasons == ["requested"]' "$WORK/capadd.json"
check_eq "--policy-name names the SELinux type" "web_t" \
  "$(skopeo inspect --config "oci:$WORK/capadd:x" | jq -r '.config.Labels["io.imgstrip.selinux.type"]')"
"$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm --no-harden \
  --seccomp-cache "$WORK/cache" -t "oci:$WORK/noharden:x" >/dev/null 2>&1
check_eq "--no-harden: no labels" '[]' \
  "$(skopeo inspect --config "oci:$WORK/noharden:x" | jq -c '[.config.Labels | keys[] | select(test("capabilities|selinux|apparmor"))]')"
check_fails "--cap-add of no capability: usage error" 2 "not a Linux capability" \
  "$IMGSTRIP" -i "oci:$WORK/noharden:x" -t "oci:$WORK/never:x" --cap-add CAP_FLY
check_fails "--connect with a range: usage error" 2 "connect" \
  "$IMGSTRIP" -i "oci:$WORK/noharden:x" -t "oci:$WORK/never:x" --connect 1-2
check_fails "--policy-dir with --no-harden: usage error" 2 "exclude each other" \
  "$IMGSTRIP" -i "oci:$WORK/noharden:x" -t "oci:$WORK/never:x" --no-harden --policy-dir "$WORK/p"
check "nothing was written by the failed runs" test ! -e "$WORK/never"
podman rmi -f localhost/imgstrip-h-nonroot:latest >/dev/null 2>&1
finish
