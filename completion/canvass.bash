# bash completion for canvass(1). Installed as
# $(PREFIX)/share/bash-completion/completions/canvass.
# Commands and options are those of --help; the audit rule ids of --rule
# are read from the program itself (canvass --list-rules), so a new rule
# completes with no change here.

_canvass()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n = || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local cmd="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        check | build | merge | verify) cmd=${words[i]}; break ;;
        esac
    done
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W 'check build merge verify --help --version' -- "$cur"))
        return
    fi

    local common='--format= --schema --rule --overdue-days --min-visits
                  --max-findings --jobs --quiet -h --help'
    local output='-o --output --lang --formats --templates --allow-partial'

    case $prev in
    --schema)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -X '!*.xsd' -- "$cur") $(compgen -d -- "$cur"))
        return ;;
    -o | --output | --templates)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    --lang)
        COMPREPLY=($(compgen -W 'zh en' -- "$cur"))
        return ;;
    --rule)
        local rules
        rules=$("${words[0]}" --list-rules 2>/dev/null)
        if [[ $cur == *=* ]]; then
            COMPREPLY=($(compgen -P "${cur%%=*}=" -W 'off warning error' -- "${cur#*=}"))
        else
            COMPREPLY=($(compgen -S = -W "$rules" -- "$cur"))
            compopt -o nospace 2>/dev/null
        fi
        return ;;
    --formats)
        local done=${cur%,*} last=${cur##*,}
        [[ $cur == *,* ]] && done="$done," || done=""
        COMPREPLY=($(compgen -P "$done" -W 'xml xlsx docx html md csv' -- "$last"))
        compopt -o nospace 2>/dev/null
        return ;;
    --max-findings)
        COMPREPLY=($(compgen -W 'all' -- "$cur"))
        return ;;
    --overdue-days | --min-visits | --jobs)
        return ;;
    esac

    if [[ $cur == --format=* ]]; then
        COMPREPLY=($(compgen -P --format= -W 'text json' -- "${cur#--format=}"))
        return
    fi
    if [[ $cur == -* ]]; then
        case $cmd in
        build | merge) COMPREPLY=($(compgen -W "$common $output" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "$common" -- "$cur")) ;;
        esac
        [[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
        return
    fi
    # registers and returns are XML files
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -X '!*.xml' -- "$cur") $(compgen -d -- "$cur"))
}
complete -F _canvass canvass
