
use builtin;
use str;

set edit:completion:arg-completer[amtoken] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'amtoken'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'amtoken'= {
            cand --color 'When to colour output'
            cand -p 'Profile: which stored tokens and config-file table to use'
            cand --profile 'Profile: which stored tokens and config-file table to use'
            cand --issuer 'Authorization server [default: https://identity.approvalmax.com]'
            cand --token-url 'Token endpoint [default: {issuer}/connect/token]'
            cand --client-id 'OAuth client id (required for grants)'
            cand --client-secret-file 'Read the client secret from PATH (`-` = standard input)'
            cand --client-auth 'How the client authenticates at the token endpoint [default: post]'
            cand --redirect-uri 'Redirect URI registered for the client'
            cand --scope 'Space-separated scopes to ask for'
            cand --store 'Where the refresh token is kept [default: keyring]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]'
            cand --timeout 'Network timeout for each request, e.g. 30s, 2m [default: 30s]'
            cand --lock-timeout 'How long to wait for another amtoken holding the profile lock [default: 30s]'
            cand --cacert 'Extra CA certificates (PEM) to trust, besides the system store'
            cand -v 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand --verbose 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand exchange 'Turn an authorization code into tokens and store them'
            cand refresh 'Renew the access token with the stored refresh token'
            cand token 'Print a valid access token, refreshing only when needed'
            cand header 'Print `Authorization: Bearer <token>`, refreshing only when needed'
            cand status 'Show what is stored for the profile, offline'
            cand logout 'Forget the profile''s tokens'
            cand decode 'Decode a JWT and show its header, claims and expiry'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'amtoken;exchange'= {
            cand --code 'The authorization code, or the callback URL that carries it (`-` = standard input)'
            cand --code-verifier 'The PKCE code verifier, when the authorize request carried a code challenge'
            cand --state 'The state sent with the authorize request; the callback URL''s state must match'
            cand -o 'What to print on stdout [default: none]'
            cand --output 'What to print on stdout [default: none]'
            cand --color 'When to colour output'
            cand -p 'Profile: which stored tokens and config-file table to use'
            cand --profile 'Profile: which stored tokens and config-file table to use'
            cand --issuer 'Authorization server [default: https://identity.approvalmax.com]'
            cand --token-url 'Token endpoint [default: {issuer}/connect/token]'
            cand --client-id 'OAuth client id (required for grants)'
            cand --client-secret-file 'Read the client secret from PATH (`-` = standard input)'
            cand --client-auth 'How the client authenticates at the token endpoint [default: post]'
            cand --redirect-uri 'Redirect URI registered for the client'
            cand --scope 'Space-separated scopes to ask for'
            cand --store 'Where the refresh token is kept [default: keyring]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]'
            cand --timeout 'Network timeout for each request, e.g. 30s, 2m [default: 30s]'
            cand --lock-timeout 'How long to wait for another amtoken holding the profile lock [default: 30s]'
            cand --cacert 'Extra CA certificates (PEM) to trust, besides the system store'
            cand -v 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand --verbose 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'amtoken;refresh'= {
            cand --min-ttl 'Without --force, skip the refresh while the cached token has more than this left'
            cand -o 'What to print on stdout [default: none]'
            cand --output 'What to print on stdout [default: none]'
            cand --color 'When to colour output'
            cand -p 'Profile: which stored tokens and config-file table to use'
            cand --profile 'Profile: which stored tokens and config-file table to use'
            cand --issuer 'Authorization server [default: https://identity.approvalmax.com]'
            cand --token-url 'Token endpoint [default: {issuer}/connect/token]'
            cand --client-id 'OAuth client id (required for grants)'
            cand --client-secret-file 'Read the client secret from PATH (`-` = standard input)'
            cand --client-auth 'How the client authenticates at the token endpoint [default: post]'
            cand --redirect-uri 'Redirect URI registered for the client'
            cand --scope 'Space-separated scopes to ask for'
            cand --store 'Where the refresh token is kept [default: keyring]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]'
            cand --timeout 'Network timeout for each request, e.g. 30s, 2m [default: 30s]'
            cand --lock-timeout 'How long to wait for another amtoken holding the profile lock [default: 30s]'
            cand --cacert 'Extra CA certificates (PEM) to trust, besides the system store'
            cand --force 'Refresh even when the cached access token is still fresh'
            cand -v 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand --verbose 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'amtoken;token'= {
            cand --min-ttl 'Refresh when the cached token has less than this left, e.g. 90s, 5m, 1h'
            cand -o 'What to print: raw, header, json, env or none [default: raw for token, header for header]'
            cand --output 'What to print: raw, header, json, env or none [default: raw for token, header for header]'
            cand --color 'When to colour output'
            cand -p 'Profile: which stored tokens and config-file table to use'
            cand --profile 'Profile: which stored tokens and config-file table to use'
            cand --issuer 'Authorization server [default: https://identity.approvalmax.com]'
            cand --token-url 'Token endpoint [default: {issuer}/connect/token]'
            cand --client-id 'OAuth client id (required for grants)'
            cand --client-secret-file 'Read the client secret from PATH (`-` = standard input)'
            cand --client-auth 'How the client authenticates at the token endpoint [default: post]'
            cand --redirect-uri 'Redirect URI registered for the client'
            cand --scope 'Space-separated scopes to ask for'
            cand --store 'Where the refresh token is kept [default: keyring]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]'
            cand --timeout 'Network timeout for each request, e.g. 30s, 2m [default: 30s]'
            cand --lock-timeout 'How long to wait for another amtoken holding the profile lock [default: 30s]'
            cand --cacert 'Extra CA certificates (PEM) to trust, besides the system store'
            cand -v 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand --verbose 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'amtoken;header'= {
            cand --min-ttl 'Refresh when the cached token has less than this left, e.g. 90s, 5m, 1h'
            cand -o 'What to print: raw, header, json, env or none [default: raw for token, header for header]'
            cand --output 'What to print: raw, header, json, env or none [default: raw for token, header for header]'
            cand --color 'When to colour output'
            cand -p 'Profile: which stored tokens and config-file table to use'
            cand --profile 'Profile: which stored tokens and config-file table to use'
            cand --issuer 'Authorization server [default: https://identity.approvalmax.com]'
            cand --token-url 'Token endpoint [default: {issuer}/connect/token]'
            cand --client-id 'OAuth client id (required for grants)'
            cand --client-secret-file 'Read the client secret from PATH (`-` = standard input)'
            cand --client-auth 'How the client authenticates at the token endpoint [default: post]'
            cand --redirect-uri 'Redirect URI registered for the client'
            cand --scope 'Space-separated scopes to ask for'
            cand --store 'Where the refresh token is kept [default: keyring]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]'
            cand --timeout 'Network timeout for each request, e.g. 30s, 2m [default: 30s]'
            cand --lock-timeout 'How long to wait for another amtoken holding the profile lock [default: 30s]'
            cand --cacert 'Extra CA certificates (PEM) to trust, besides the system store'
            cand -v 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand --verbose 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'amtoken;status'= {
            cand --color 'When to colour output'
            cand -p 'Profile: which stored tokens and config-file table to use'
            cand --profile 'Profile: which stored tokens and config-file table to use'
            cand --issuer 'Authorization server [default: https://identity.approvalmax.com]'
            cand --token-url 'Token endpoint [default: {issuer}/connect/token]'
            cand --client-id 'OAuth client id (required for grants)'
            cand --client-secret-file 'Read the client secret from PATH (`-` = standard input)'
            cand --client-auth 'How the client authenticates at the token endpoint [default: post]'
            cand --redirect-uri 'Redirect URI registered for the client'
            cand --scope 'Space-separated scopes to ask for'
            cand --store 'Where the refresh token is kept [default: keyring]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]'
            cand --timeout 'Network timeout for each request, e.g. 30s, 2m [default: 30s]'
            cand --lock-timeout 'How long to wait for another amtoken holding the profile lock [default: 30s]'
            cand --cacert 'Extra CA certificates (PEM) to trust, besides the system store'
            cand --json 'Print one JSON object for scripts'
            cand --all 'Every profile found in the config file and the store, not just the selected one'
            cand -v 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand --verbose 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'amtoken;logout'= {
            cand --color 'When to colour output'
            cand -p 'Profile: which stored tokens and config-file table to use'
            cand --profile 'Profile: which stored tokens and config-file table to use'
            cand --issuer 'Authorization server [default: https://identity.approvalmax.com]'
            cand --token-url 'Token endpoint [default: {issuer}/connect/token]'
            cand --client-id 'OAuth client id (required for grants)'
            cand --client-secret-file 'Read the client secret from PATH (`-` = standard input)'
            cand --client-auth 'How the client authenticates at the token endpoint [default: post]'
            cand --redirect-uri 'Redirect URI registered for the client'
            cand --scope 'Space-separated scopes to ask for'
            cand --store 'Where the refresh token is kept [default: keyring]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]'
            cand --timeout 'Network timeout for each request, e.g. 30s, 2m [default: 30s]'
            cand --lock-timeout 'How long to wait for another amtoken holding the profile lock [default: 30s]'
            cand --cacert 'Extra CA certificates (PEM) to trust, besides the system store'
            cand -v 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand --verbose 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'amtoken;decode'= {
            cand --claim 'Print only the value of claim NAME'
            cand --color 'When to colour output'
            cand -p 'Profile: which stored tokens and config-file table to use'
            cand --profile 'Profile: which stored tokens and config-file table to use'
            cand --issuer 'Authorization server [default: https://identity.approvalmax.com]'
            cand --token-url 'Token endpoint [default: {issuer}/connect/token]'
            cand --client-id 'OAuth client id (required for grants)'
            cand --client-secret-file 'Read the client secret from PATH (`-` = standard input)'
            cand --client-auth 'How the client authenticates at the token endpoint [default: post]'
            cand --redirect-uri 'Redirect URI registered for the client'
            cand --scope 'Space-separated scopes to ask for'
            cand --store 'Where the refresh token is kept [default: keyring]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]'
            cand --timeout 'Network timeout for each request, e.g. 30s, 2m [default: 30s]'
            cand --lock-timeout 'How long to wait for another amtoken holding the profile lock [default: 30s]'
            cand --cacert 'Extra CA certificates (PEM) to trust, besides the system store'
            cand --json 'Print one JSON object for scripts'
            cand --check 'Exit 10 when the token is expired or not yet valid'
            cand -v 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand --verbose 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'amtoken;completions'= {
            cand --color 'When to colour output'
            cand -p 'Profile: which stored tokens and config-file table to use'
            cand --profile 'Profile: which stored tokens and config-file table to use'
            cand --issuer 'Authorization server [default: https://identity.approvalmax.com]'
            cand --token-url 'Token endpoint [default: {issuer}/connect/token]'
            cand --client-id 'OAuth client id (required for grants)'
            cand --client-secret-file 'Read the client secret from PATH (`-` = standard input)'
            cand --client-auth 'How the client authenticates at the token endpoint [default: post]'
            cand --redirect-uri 'Redirect URI registered for the client'
            cand --scope 'Space-separated scopes to ask for'
            cand --store 'Where the refresh token is kept [default: keyring]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/amtoken/config.toml]'
            cand --timeout 'Network timeout for each request, e.g. 30s, 2m [default: 30s]'
            cand --lock-timeout 'How long to wait for another amtoken holding the profile lock [default: 30s]'
            cand --cacert 'Extra CA certificates (PEM) to trust, besides the system store'
            cand -v 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand --verbose 'Show each request (method, URL, status, time) on stderr; never bodies or secrets'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'amtoken;help'= {
            cand exchange 'Turn an authorization code into tokens and store them'
            cand refresh 'Renew the access token with the stored refresh token'
            cand token 'Print a valid access token, refreshing only when needed'
            cand header 'Print `Authorization: Bearer <token>`, refreshing only when needed'
            cand status 'Show what is stored for the profile, offline'
            cand logout 'Forget the profile''s tokens'
            cand decode 'Decode a JWT and show its header, claims and expiry'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'amtoken;help;exchange'= {
        }
        &'amtoken;help;refresh'= {
        }
        &'amtoken;help;token'= {
        }
        &'amtoken;help;header'= {
        }
        &'amtoken;help;status'= {
        }
        &'amtoken;help;logout'= {
        }
        &'amtoken;help;decode'= {
        }
        &'amtoken;help;completions'= {
        }
        &'amtoken;help;help'= {
        }
    ]
    $completions[$command]
}
