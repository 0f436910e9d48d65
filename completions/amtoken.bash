_amtoken() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="amtoken"
                ;;
            amtoken,api)
                cmd="amtoken__subcmd__api"
                ;;
            amtoken,authorize-url)
                cmd="amtoken__subcmd__authorize__subcmd__url"
                ;;
            amtoken,completions)
                cmd="amtoken__subcmd__completions"
                ;;
            amtoken,decode)
                cmd="amtoken__subcmd__decode"
                ;;
            amtoken,doctor)
                cmd="amtoken__subcmd__doctor"
                ;;
            amtoken,exchange)
                cmd="amtoken__subcmd__exchange"
                ;;
            amtoken,exec)
                cmd="amtoken__subcmd__exec"
                ;;
            amtoken,header)
                cmd="amtoken__subcmd__header"
                ;;
            amtoken,help)
                cmd="amtoken__subcmd__help"
                ;;
            amtoken,login)
                cmd="amtoken__subcmd__login"
                ;;
            amtoken,logout)
                cmd="amtoken__subcmd__logout"
                ;;
            amtoken,refresh)
                cmd="amtoken__subcmd__refresh"
                ;;
            amtoken,serve)
                cmd="amtoken__subcmd__serve"
                ;;
            amtoken,status)
                cmd="amtoken__subcmd__status"
                ;;
            amtoken,token)
                cmd="amtoken__subcmd__token"
                ;;
            amtoken__subcmd__help,api)
                cmd="amtoken__subcmd__help__subcmd__api"
                ;;
            amtoken__subcmd__help,authorize-url)
                cmd="amtoken__subcmd__help__subcmd__authorize__subcmd__url"
                ;;
            amtoken__subcmd__help,completions)
                cmd="amtoken__subcmd__help__subcmd__completions"
                ;;
            amtoken__subcmd__help,decode)
                cmd="amtoken__subcmd__help__subcmd__decode"
                ;;
            amtoken__subcmd__help,doctor)
                cmd="amtoken__subcmd__help__subcmd__doctor"
                ;;
            amtoken__subcmd__help,exchange)
                cmd="amtoken__subcmd__help__subcmd__exchange"
                ;;
            amtoken__subcmd__help,exec)
                cmd="amtoken__subcmd__help__subcmd__exec"
                ;;
            amtoken__subcmd__help,header)
                cmd="amtoken__subcmd__help__subcmd__header"
                ;;
            amtoken__subcmd__help,help)
                cmd="amtoken__subcmd__help__subcmd__help"
                ;;
            amtoken__subcmd__help,login)
                cmd="amtoken__subcmd__help__subcmd__login"
                ;;
            amtoken__subcmd__help,logout)
                cmd="amtoken__subcmd__help__subcmd__logout"
                ;;
            amtoken__subcmd__help,refresh)
                cmd="amtoken__subcmd__help__subcmd__refresh"
                ;;
            amtoken__subcmd__help,serve)
                cmd="amtoken__subcmd__help__subcmd__serve"
                ;;
            amtoken__subcmd__help,status)
                cmd="amtoken__subcmd__help__subcmd__status"
                ;;
            amtoken__subcmd__help,token)
                cmd="amtoken__subcmd__help__subcmd__token"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        amtoken)
            opts="-p -v -h -V --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__api)
            opts="-X -f -F -H -i -p -v -h -V --method --raw-field --field --input --header --include --paginate --jsonl --max-pages --retries --max-wait --min-ttl --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --method)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -X)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --raw-field)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -f)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -F)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --input)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --header)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-pages)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --min-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__authorize__subcmd__url)
            opts="-p -v -h -V --no-pkce --pkce --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__completions)
            opts="-p -v -h -V --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__decode)
            opts="-p -v -h -V --json --claim --check --verify --jwks --audience --leeway --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --claim)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --jwks)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --leeway)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__doctor)
            opts="-p -v -h -V --json --online --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__exchange)
            opts="-o -p -v -h -V --code --code-verifier --state --output --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code-verifier)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "raw header json env none github-env github-output" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "raw header json env none github-env github-output" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__exec)
            opts="-p -v -h -V --min-ttl --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --min-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__header)
            opts="-o -p -v -h -V --min-ttl --output --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --min-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "raw header json env none github-env github-output" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "raw header json env none github-env github-output" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help)
            opts="exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__api)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__authorize__subcmd__url)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__decode)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__doctor)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__exchange)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__exec)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__header)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__login)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__logout)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__refresh)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__serve)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__status)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__help__subcmd__token)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__login)
            opts="-o -p -v -h -V --no-pkce --pkce --no-browser --login-timeout --output --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --login-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "raw header json env none github-env github-output" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "raw header json env none github-env github-output" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__logout)
            opts="-p -v -h -V --revoke --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__refresh)
            opts="-o -p -v -h -V --force --min-ttl --output --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --min-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "raw header json env none github-env github-output" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "raw header json env none github-env github-output" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__serve)
            opts="-p -v -h -V --socket --listen --secret-file --min-ttl --log-format --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --socket)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --min-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__status)
            opts="-p -v -h -V --json --all --check --warn-before --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --warn-before)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        amtoken__subcmd__token)
            opts="-o -p -v -h -V --min-ttl --output --profile --issuer --token-url --authorize-url --client-id --client-secret-file --client-auth --redirect-uri --scope --store --config --color --no-mask --verbose --timeout --lock-timeout --refresh-lifetime --vault-addr --vault-mount --vault-path --vault-access-path --fleet-role --vault-auth --vault-auth-mount --vault-role --vault-role-id --vault-secret-id-file --vault-jwt-file --vault-jwt-audience --vault-token-cache --api-url --cacert --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --min-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "raw header json env none github-env github-output" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "raw header json env none github-env github-output" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorize-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-auth)
                    COMPREPLY=($(compgen -W "post basic" -- "${cur}"))
                    return 0
                    ;;
                --redirect-uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store)
                    COMPREPLY=($(compgen -W "keyring file vault" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --refresh-lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-access-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fleet-role)
                    COMPREPLY=($(compgen -W "refresher reader" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth)
                    COMPREPLY=($(compgen -W "token approle jwt kubernetes" -- "${cur}"))
                    return 0
                    ;;
                --vault-auth-mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-role-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-secret-id-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-jwt-audience)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vault-token-cache)
                    COMPREPLY=($(compgen -W "memory file" -- "${cur}"))
                    return 0
                    ;;
                --api-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _amtoken -o nosort -o bashdefault -o default amtoken
else
    complete -F _amtoken -o bashdefault -o default amtoken
fi
