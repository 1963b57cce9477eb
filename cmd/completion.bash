# bash completion for imgstrip: commands, and each command's flags as its --help lists
# them (so the completion never falls behind the binary); file names elsewhere.
_imgstrip() {
  local cur=${COMP_WORDS[COMP_CWORD]} cmd=strip i
  local commands="strip why seccomp inspect ls copy run-args verify help version"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -*) ;;
      *) [[ " $commands " == *" ${COMP_WORDS[i]} "* ]] && cmd=${COMP_WORDS[i]}; break ;;
    esac
  done
  if [[ $COMP_CWORD -eq 1 && $cur != -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
    return
  fi
  if [[ $cur == -* ]]; then
    local flags
    flags=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null |
      grep -oE '^[[:space:]]+(-[[:alnum:]], )?--[[:alnum:]-]+' | grep -oE -- '--[[:alnum:]-]+')
    mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
    return
  fi
  mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -F _imgstrip imgstrip
