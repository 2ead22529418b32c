# bash completion for fdsim: commands, their options, the values of
# --format, and scenario keys after --set / --vary (read from fdsim check on
# the scenario on the line, or the built-in default).  Installed as
# share/bash-completion/completions/fdsim; needs nothing but bash.

_fdsim_keys()
{
    # section.key= for every key of the scenario named on the line
    local scen="" w
    for w in "${COMP_WORDS[@]:2}"; do
        case $w in *.ini) scen=$w ;; esac
    done
    "${COMP_WORDS[0]}" check $scen 2>/dev/null | awk '
        /^\[/ { gsub(/[][]/, ""); sec = $0; next }
        /^[A-Za-z]+ *=/ { sub(/ *=.*/, ""); print sec "." $0 "=" }'
}

_fdsim()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmds="import check place run sweep merge plot analytic"
    local IFS=$' \t\n'
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
        return
    fi
    local cmd=${COMP_WORDS[1]} opts
    case $cmd in
        import) opts="--parameters -p --location --to -o --help" ;;
        check) opts="--set --help" ;;
        place) opts="--csv --format --set --help" ;;
        run) opts="--replicas -n --seed --threads -j --results-dir -o --format --force
                   --resume --memory-limit --estimator --precision --time-limit --baseline
                   --trace --trace-replica --shard --set --help" ;;
        merge) opts="--results-dir -o --format --force --help" ;;
        sweep) opts="--vary --goal --replicas -n --seed --threads -j --results-dir -o --format
                     --memory-limit --estimator --precision --time-limit --set --help" ;;
        plot) opts="--format --replica --size --help" ;;
        analytic) opts="--format --set --help" ;;
        *) return ;;
    esac
    case $prev in
        --format | -f)
            if [[ $cmd == plot ]]; then
                COMPREPLY=($(compgen -W "png svg both" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "table json tsv" -- "$cur"))
            fi
            return ;;
        --set | -s | --vary | -v)
            compopt -o nospace 2>/dev/null
            COMPREPLY=($(compgen -W "$(_fdsim_keys)" -- "$cur"))
            return ;;
        --estimator)
            COMPREPLY=($(compgen -W "restart plain" -- "$cur"))
            return ;;
        --goal | -g)
            compopt -o nospace 2>/dev/null
            COMPREPLY=($(compgen -W "service_availability>= downtime<= month_meets_target>=
                                     nines>= worst_loss<= capacity_deficit<= outages<=" -- "$cur"))
            return ;;
        --results-dir | -o | --resume)
            if [[ $cmd == import ]]; then
                COMPREPLY=($(compgen -f -- "$cur"))
            else
                COMPREPLY=($(compgen -d -- "$cur"))
            fi
            return ;;
        --parameters | -p)
            COMPREPLY=($(compgen -f -P @ -X '!*.json' -- "${cur#@}"))
            return ;;
        --to | --csv | --trace)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --replicas | -n | --seed | --threads | -j | --baseline | --trace-replica | --replica | \
        -k | --size | --location | --memory-limit | --precision | --time-limit)
            return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ $cmd == plot ]]; then
        COMPREPLY=($(compgen -d -- "$cur"))
    elif [[ $cmd == import ]]; then
        COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
    else
        COMPREPLY=($(compgen -f -X '!*.ini' -- "$cur") $(compgen -d -- "$cur"))
    fi
}

complete -F _fdsim fdsim
