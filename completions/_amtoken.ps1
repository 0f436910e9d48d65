
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'amtoken' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'amtoken'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'amtoken' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'Turn an authorization code into tokens and store them')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Renew the access token with the stored refresh token')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a valid access token, refreshing only when needed')
            [CompletionResult]::new('header', 'header', [CompletionResultType]::ParameterValue, 'Print `Authorization: Bearer <token>`, refreshing only when needed')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is stored for the profile, offline')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in: authorize in the browser, then exchange the code, in one command')
            [CompletionResult]::new('authorize-url', 'authorize-url', [CompletionResultType]::ParameterValue, 'Print the authorize URL and remember its state for `amtoken exchange`')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the profile''s tokens, and with --revoke revoke the refresh token first')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Decode a JWT and show its header, claims and expiry')
            [CompletionResult]::new('api', 'api', [CompletionResultType]::ParameterValue, 'Call the ApprovalMax API with the profile''s token')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run COMMAND with a valid access token in its environment')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'amtoken;exchange' {
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'The authorization code, or the callback URL that carries it (`-` = standard input)')
            [CompletionResult]::new('--code-verifier', '--code-verifier', [CompletionResultType]::ParameterName, 'The PKCE code verifier, when the authorize request carried a code challenge')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state sent with the authorize request; the callback URL''s state must match')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print on stdout [default: none]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print on stdout [default: none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;refresh' {
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Without --force, skip the refresh while the cached token has more than this left')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print on stdout [default: none]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print on stdout [default: none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Refresh even when the cached access token is still fresh')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;token' {
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Refresh when the cached token has less than this left, e.g. 90s, 5m, 1h')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print: raw, header, json, env or none [default: raw for token, header for header]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print: raw, header, json, env or none [default: raw for token, header for header]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;header' {
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Refresh when the cached token has less than this left, e.g. 90s, 5m, 1h')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print: raw, header, json, env or none [default: raw for token, header for header]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print: raw, header, json, env or none [default: raw for token, header for header]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;status' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object for scripts')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every profile found in the config file and the store, not just the selected one')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;login' {
            [CompletionResult]::new('--login-timeout', '--login-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the callback or the pasted URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print on stdout [default: none]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print on stdout [default: none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('--no-pkce', '--no-pkce', [CompletionResultType]::ParameterName, 'Send no PKCE code challenge, for a server that refuses one [default: S256 challenge]')
            [CompletionResult]::new('--pkce', '--pkce', [CompletionResultType]::ParameterName, 'Send a PKCE code challenge (S256): the default, accepted for older scripts')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Do not open a browser; only print the URL')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;authorize-url' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('--no-pkce', '--no-pkce', [CompletionResultType]::ParameterName, 'Send no PKCE code challenge, for a server that refuses one [default: S256 challenge]')
            [CompletionResult]::new('--pkce', '--pkce', [CompletionResultType]::ParameterName, 'Send a PKCE code challenge (S256): the default, accepted for older scripts')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;logout' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Revoke the refresh token at the server first (RFC 7009)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;decode' {
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Print only the value of claim NAME')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'The key set to verify with: a URL or a file (implies --verify)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'The audience the token must name in `aud` (implies --verify)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew allowed when checking `exp` and `nbf`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object for scripts')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Exit 10 when the token is expired or not yet valid')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Verify the signature and the claims (exit 10 when they fail)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;api' {
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'The HTTP method [default: GET, or POST with -f, -F or --input]')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'The HTTP method [default: GET, or POST with -f, -F or --input]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Add a string field: key=value (a JSON body; query parameters with GET or DELETE)')
            [CompletionResult]::new('--raw-field', '--raw-field', [CompletionResultType]::ParameterName, 'Add a string field: key=value (a JSON body; query parameters with GET or DELETE)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Add a typed field: key=value, where true, false, null and integers are JSON values and @FILE is the file''s text')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Add a typed field: key=value, where true, false, null and integers are JSON values and @FILE is the file''s text')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Send the file''s bytes as the body (`-` = standard input)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a request header: ''Name: value'' (not Authorization)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a request header: ''Name: value'' (not Authorization)')
            [CompletionResult]::new('--max-pages', '--max-pages', [CompletionResultType]::ParameterName, 'With --paginate: stop with an error after this many pages')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times to retry a 429 or 503 answer')
            [CompletionResult]::new('--max-wait', '--max-wait', [CompletionResultType]::ParameterName, 'The longest total time to wait for retries')
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Refresh the access token first when it has less than this left')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the status line and the response headers before the body')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the status line and the response headers before the body')
            [CompletionResult]::new('--paginate', '--paginate', [CompletionResultType]::ParameterName, 'Follow continuationToken through every page; print the payload items as one array')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'With --paginate: one item per line (JSON lines) instead of one array')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;exec' {
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Refresh first when the access token has less than this left')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile: which stored tokens and config-file table to use')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Authorization server [default: https://identity.approvalmax.com]')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint [default: {issuer}/connect/token]')
            [CompletionResult]::new('--authorize-url', '--authorize-url', [CompletionResultType]::ParameterName, 'Authorize endpoint [default: {issuer}/connect/authorize]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id (required for grants)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from PATH (`-` = standard input)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the client authenticates at the token endpoint [default: post]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Redirect URI registered for the client')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Space-separated scopes to ask for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the refresh token is kept [default: keyring]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Network timeout for each request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another amtoken holding the profile lock [default: 30s]')
            [CompletionResult]::new('--vault-addr', '--vault-addr', [CompletionResultType]::ParameterName, 'Vault/OpenBao address, for --store vault [env: AMTOKEN_VAULT_ADDR, VAULT_ADDR, BAO_ADDR]')
            [CompletionResult]::new('--vault-mount', '--vault-mount', [CompletionResultType]::ParameterName, 'Vault KV version 2 mount [default: secret]')
            [CompletionResult]::new('--vault-path', '--vault-path', [CompletionResultType]::ParameterName, 'Path of the shared secret in the mount [default: amtoken/<profile>]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'ApprovalMax API base URL [default: https://public-api.approvalmax.com]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust, besides the system store')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request (method, URL, status, time) on stderr; never bodies or secrets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'amtoken;help' {
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'Turn an authorization code into tokens and store them')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Renew the access token with the stored refresh token')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a valid access token, refreshing only when needed')
            [CompletionResult]::new('header', 'header', [CompletionResultType]::ParameterValue, 'Print `Authorization: Bearer <token>`, refreshing only when needed')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is stored for the profile, offline')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in: authorize in the browser, then exchange the code, in one command')
            [CompletionResult]::new('authorize-url', 'authorize-url', [CompletionResultType]::ParameterValue, 'Print the authorize URL and remember its state for `amtoken exchange`')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the profile''s tokens, and with --revoke revoke the refresh token first')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Decode a JWT and show its header, claims and expiry')
            [CompletionResult]::new('api', 'api', [CompletionResultType]::ParameterValue, 'Call the ApprovalMax API with the profile''s token')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run COMMAND with a valid access token in its environment')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'amtoken;help;exchange' {
            break
        }
        'amtoken;help;refresh' {
            break
        }
        'amtoken;help;token' {
            break
        }
        'amtoken;help;header' {
            break
        }
        'amtoken;help;status' {
            break
        }
        'amtoken;help;login' {
            break
        }
        'amtoken;help;authorize-url' {
            break
        }
        'amtoken;help;logout' {
            break
        }
        'amtoken;help;decode' {
            break
        }
        'amtoken;help;api' {
            break
        }
        'amtoken;help;exec' {
            break
        }
        'amtoken;help;completions' {
            break
        }
        'amtoken;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
