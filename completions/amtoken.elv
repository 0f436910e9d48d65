
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
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand decode 'Decode a JWT and show its header, claims and expiry'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'amtoken;decode'= {
            cand --claim 'Print only the value of claim NAME'
            cand --color 'When to colour output'
            cand --json 'Print one JSON object for scripts'
            cand --check 'Exit 10 when the token is expired or not yet valid'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'amtoken;completions'= {
            cand --color 'When to colour output'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'amtoken;help'= {
            cand decode 'Decode a JWT and show its header, claims and expiry'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
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
