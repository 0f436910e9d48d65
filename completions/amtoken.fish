# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_amtoken_global_optspecs
    string join \n p/profile= issuer= token-url= authorize-url= client-id= client-secret-file= client-auth= redirect-uri= scope= store= config= color= no-mask v/verbose timeout= lock-timeout= refresh-lifetime= vault-addr= vault-mount= vault-path= vault-access-path= fleet-role= vault-auth= vault-auth-mount= vault-role= vault-role-id= vault-secret-id-file= vault-jwt-file= vault-jwt-audience= vault-token-cache= api-url= cacert= h/help V/version
end

function __fish_amtoken_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_amtoken_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_amtoken_using_subcommand
    set -l cmd (__fish_amtoken_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c amtoken -n "__fish_amtoken_needs_command" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_needs_command" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_needs_command" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_needs_command" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_needs_command" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_needs_command" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_needs_command" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_needs_command" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_needs_command" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_needs_command" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_needs_command" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "exchange" -d 'Turn an authorization code into tokens and store them'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "refresh" -d 'Renew the access token with the stored refresh token'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "token" -d 'Print a valid access token, refreshing only when needed'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "header" -d 'Print `Authorization: Bearer <token>`, refreshing only when needed'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "status" -d 'Show what is stored for the profile, offline'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "login" -d 'Log in: authorize in the browser, then exchange the code, in one command'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "authorize-url" -d 'Print the authorize URL and remember its state for `amtoken exchange`'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "logout" -d 'Forget the profile\'s tokens, and with --revoke revoke the refresh token first'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "decode" -d 'Decode a JWT and show its header, claims and expiry'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "api" -d 'Call the ApprovalMax API with the profile\'s token'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "exec" -d 'Run COMMAND with a valid access token in its environment'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "serve" -d 'Answer token requests of other processes on a Unix socket or loopback TCP'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "doctor" -d 'Check every layer of the set-up and say the fix'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c amtoken -n "__fish_amtoken_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l code -d 'The authorization code, or the callback URL that carries it (`-` = standard input)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l code-verifier -d 'The PKCE code verifier, when the authorize request carried a code challenge' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l state -d 'The state sent with the authorize request; the callback URL\'s state must match' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -s o -l output -d 'What to print on stdout [default: none]' -r -f -a "raw\t'The access token alone'
header\t'`Authorization: Bearer <token>`'
json\t'One JSON object: token, type, expiry (RFC 3339 and epoch), scope, profile'
env\t'`export AMTOKEN_ACCESS_TOKEN=…` and `export AMTOKEN_EXPIRES_AT=…`, for `eval`'
none\t'Nothing'
github-env\t'AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_ENV for the job\'s next steps; nothing printed'
github-output\t'AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_OUTPUT as the step\'s output; nothing printed'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand exchange" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l min-ttl -d 'Without --force, skip the refresh while the cached token has more than this left' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -s o -l output -d 'What to print on stdout [default: none]' -r -f -a "raw\t'The access token alone'
header\t'`Authorization: Bearer <token>`'
json\t'One JSON object: token, type, expiry (RFC 3339 and epoch), scope, profile'
env\t'`export AMTOKEN_ACCESS_TOKEN=…` and `export AMTOKEN_EXPIRES_AT=…`, for `eval`'
none\t'Nothing'
github-env\t'AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_ENV for the job\'s next steps; nothing printed'
github-output\t'AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_OUTPUT as the step\'s output; nothing printed'"
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l force -d 'Refresh even when the cached access token is still fresh'
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand refresh" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l min-ttl -d 'Refresh when the cached token has less than this left, e.g. 90s, 5m, 1h' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -s o -l output -d 'What to print: raw, header, json, env, none, github-env or github-output [default: raw for token, header for header]' -r -f -a "raw\t'The access token alone'
header\t'`Authorization: Bearer <token>`'
json\t'One JSON object: token, type, expiry (RFC 3339 and epoch), scope, profile'
env\t'`export AMTOKEN_ACCESS_TOKEN=…` and `export AMTOKEN_EXPIRES_AT=…`, for `eval`'
none\t'Nothing'
github-env\t'AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_ENV for the job\'s next steps; nothing printed'
github-output\t'AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_OUTPUT as the step\'s output; nothing printed'"
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand token" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l min-ttl -d 'Refresh when the cached token has less than this left, e.g. 90s, 5m, 1h' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -s o -l output -d 'What to print: raw, header, json, env, none, github-env or github-output [default: raw for token, header for header]' -r -f -a "raw\t'The access token alone'
header\t'`Authorization: Bearer <token>`'
json\t'One JSON object: token, type, expiry (RFC 3339 and epoch), scope, profile'
env\t'`export AMTOKEN_ACCESS_TOKEN=…` and `export AMTOKEN_EXPIRES_AT=…`, for `eval`'
none\t'Nothing'
github-env\t'AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_ENV for the job\'s next steps; nothing printed'
github-output\t'AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_OUTPUT as the step\'s output; nothing printed'"
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand header" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l warn-before -d 'With --check: how far ahead to warn, e.g. 7d [default: 0s, only once it has passed]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l json -d 'Print one JSON object for scripts'
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l all -d 'Every profile found in the config file and the store, not just the selected one'
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l check -d 'After printing, exit 12 when a person must log in again within --warn-before'
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand status" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l login-timeout -d 'How long to wait for the callback or the pasted URL' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -s o -l output -d 'What to print on stdout [default: none]' -r -f -a "raw\t'The access token alone'
header\t'`Authorization: Bearer <token>`'
json\t'One JSON object: token, type, expiry (RFC 3339 and epoch), scope, profile'
env\t'`export AMTOKEN_ACCESS_TOKEN=…` and `export AMTOKEN_EXPIRES_AT=…`, for `eval`'
none\t'Nothing'
github-env\t'AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_ENV for the job\'s next steps; nothing printed'
github-output\t'AMTOKEN_ACCESS_TOKEN, masked, into $GITHUB_OUTPUT as the step\'s output; nothing printed'"
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l no-pkce -d 'Send no PKCE code challenge, for a server that refuses one [default: S256 challenge]'
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l pkce -d 'Send a PKCE code challenge (S256): the default, accepted for older scripts'
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l no-browser -d 'Do not open a browser; only print the URL'
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand login" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l no-pkce -d 'Send no PKCE code challenge, for a server that refuses one [default: S256 challenge]'
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l pkce -d 'Send a PKCE code challenge (S256): the default, accepted for older scripts'
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand authorize-url" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l revoke -d 'Revoke the refresh token at the server first (RFC 7009)'
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand logout" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l claim -d 'Print only the value of claim NAME' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l jwks -d 'The key set to verify with: a URL or a file (implies --verify)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l audience -d 'The audience the token must name in `aud` (implies --verify)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l leeway -d 'Clock skew allowed when checking `exp` and `nbf`' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l json -d 'Print one JSON object for scripts'
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l check -d 'Exit 10 when the token is expired or not yet valid'
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l verify -d 'Verify the signature and the claims (exit 10 when they fail)'
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand decode" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -s X -l method -d 'The HTTP method [default: GET, or POST with -f, -F or --input]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -s f -l raw-field -d 'Add a string field: key=value (a JSON body; query parameters with GET or DELETE)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -s F -l field -d 'Add a typed field: key=value, where true, false, null and integers are JSON values and @FILE is the file\'s text' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l input -d 'Send the file\'s bytes as the body (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -s H -l header -d 'Add a request header: \'Name: value\' (not Authorization)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l max-pages -d 'With --paginate: stop with an error after this many pages' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l retries -d 'How many times to retry a 429 or 503 answer' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l max-wait -d 'The longest total time to wait for retries' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l min-ttl -d 'Refresh the access token first when it has less than this left' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -s i -l include -d 'Print the status line and the response headers before the body'
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l paginate -d 'Follow continuationToken through every page; print the payload items as one array'
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l jsonl -d 'With --paginate: one item per line (JSON lines) instead of one array'
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand api" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l min-ttl -d 'Refresh first when the access token has less than this left' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand exec" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l socket -d 'Listen on this Unix socket [default: amtoken/<profile>.sock in the runtime directory]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l listen -d 'Listen on loopback TCP instead: 127.0.0.1:PORT or [::1]:PORT (port 0: any free one)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l secret-file -d 'With --listen: the bearer secret, from this file (0600) instead of a generated one' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l min-ttl -d 'Hand out tokens with more than this left (half their life, when they live less than twice this)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l log-format -d 'The format of -v\'s request lines: `text`, or `json` for log shippers' -r -f -a "text\t''
json\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand serve" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l json -d 'One JSON object: `ok`, and every check with its layer, status, what was found and the fix'
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l online -d 'Also get a token (refreshing when needed) and call the API with it'
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -s p -l profile -d 'Profile: which stored tokens and config-file table to use' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l issuer -d 'Authorization server [default: https://identity.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l token-url -d 'Token endpoint [default: {issuer}/connect/token]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l authorize-url -d 'Authorize endpoint [default: {issuer}/connect/authorize]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l client-id -d 'OAuth client id (required for grants)' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l client-secret-file -d 'Read the client secret from PATH (`-` = standard input)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l client-auth -d 'How the client authenticates at the token endpoint [default: post]' -r -f -a "post\t'client_secret_post: credentials in the form body'
basic\t'client_secret_basic: credentials in an HTTP Basic header'"
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l redirect-uri -d 'Redirect URI registered for the client' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l scope -d 'Space-separated scopes to ask for' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l store -d 'Where the refresh token is kept [default: keyring]' -r -f -a "keyring\t'The OS keychain'
file\t'A 0600 JSON file under $XDG_DATA_HOME/amtoken/'
vault\t'A Vault/OpenBao KV v2 secret shared by a fleet'"
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l config -d 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l timeout -d 'Network timeout for each request, e.g. 30s, 2m [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l lock-timeout -d 'How long to wait for another amtoken holding the profile lock [default: 30s]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l refresh-lifetime -d 'How long a refresh chain lives from the first consent [default: 30d]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-addr -d 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-mount -d 'Vault KV version 2 mount [default: secret]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-path -d 'Path of the shared secret in the mount [default: amtoken/<profile>]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-access-path -d 'Where refreshers publish the access token alone, for readers [default: none]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l fleet-role -d 'This machine\'s part in a fleet [default: refresher]' -r -f -a "refresher\t'Reads the refresh token and refreshes under the lease'
reader\t'Reads only the access token at --vault-access-path'"
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-auth -d 'How to log in to Vault, for --store vault [default: token]' -r -f -a "token\t'VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
approle\t'AppRole: a role id and a secret id'
jwt\t'A CI identity token (a file, or GitHub Actions\' OIDC request)'
kubernetes\t'The pod\'s service-account token'"
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-auth-mount -d 'Mount of the Vault auth method [default: approle, jwt or kubernetes]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-role -d 'Vault role to log in as, for --vault-auth jwt and kubernetes' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-role-id -d 'AppRole role id, for --vault-auth approle' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-secret-id-file -d 'Read the AppRole secret id from PATH (else AMTOKEN_VAULT_SECRET_ID; never a flag\'s value)' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-jwt-file -d 'The identity token for --vault-auth jwt or kubernetes, read from PATH at each login' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-jwt-audience -d 'Audience to ask GitHub Actions\' OIDC request for, for --vault-auth jwt' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l vault-token-cache -d 'Where a Vault login\'s token is kept [default: memory]' -r -f -a "memory\t'For this run only'
file\t'A 0600 file in the cache directory, until its TTL'"
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l api-url -d 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]' -r
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l cacert -d 'Extra CA certificates (PEM) to trust, besides the system store' -r -F
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -l no-mask -d 'On GitHub Actions, do not register printed tokens with `::add-mask::`'
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -s v -l verbose -d 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c amtoken -n "__fish_amtoken_using_subcommand completions" -s V -l version -d 'Print version'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "exchange" -d 'Turn an authorization code into tokens and store them'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "refresh" -d 'Renew the access token with the stored refresh token'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "token" -d 'Print a valid access token, refreshing only when needed'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "header" -d 'Print `Authorization: Bearer <token>`, refreshing only when needed'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "status" -d 'Show what is stored for the profile, offline'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "login" -d 'Log in: authorize in the browser, then exchange the code, in one command'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "authorize-url" -d 'Print the authorize URL and remember its state for `amtoken exchange`'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "logout" -d 'Forget the profile\'s tokens, and with --revoke revoke the refresh token first'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "decode" -d 'Decode a JWT and show its header, claims and expiry'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "api" -d 'Call the ApprovalMax API with the profile\'s token'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "exec" -d 'Run COMMAND with a valid access token in its environment'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "serve" -d 'Answer token requests of other processes on a Unix socket or loopback TCP'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "doctor" -d 'Check every layer of the set-up and say the fix'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c amtoken -n "__fish_amtoken_using_subcommand help; and not __fish_seen_subcommand_from exchange refresh token header status login authorize-url logout decode api exec serve doctor completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
