use super::*;

const SINGLE: Context = Context::Quoted(Quoting::ShellSingle);
const DOUBLE: Context = Context::Quoted(Quoting::ShellDouble);
const BARE: Context = Context::Quoted(Quoting::ShellBare);
const ARITHMETIC: Context = Context::Arithmetic;
const REDIRECT: Context = Context::BeforeRedirection;

fn unsafe_(reason: Unsafe) -> Context {
    Context::Unsafe(reason)
}

/// Returns the contexts of the placeholders in `script`, where `@` marks a
/// placeholder.
fn contexts_of(script: &str) -> Vec<Context> {
    let mut pieces = Vec::new();
    for (index, text) in script.split('@').enumerate() {
        if index > 0 {
            pieces.push(ScriptPiece::Placeholder);
        }
        if !text.is_empty() {
            pieces.push(ScriptPiece::Text(text));
        }
    }
    contexts(&pieces)
}

fn check(cases: &[(&str, &[Context])]) {
    for (script, expected) in cases {
        assert_eq!(contexts_of(script), *expected, "script {script:?}");
    }
}

#[test]
fn quotes_set_the_context() {
    check(&[
        ("echo @", &[BARE]),
        ("echo '@'", &[SINGLE]),
        ("echo \"@\"", &[DOUBLE]),
        ("echo 'a \" @' \"b ' @\" @", &[SINGLE, DOUBLE, BARE]),
        ("echo --name=@", &[BARE]),
        ("echo a@b", &[BARE]),
        ("echo @@", &[BARE, BARE]),
        ("echo 'it''s' @", &[BARE]),
        ("echo \"a\\\"b\" @", &[BARE]),
        ("echo \\' @", &[BARE]),
        ("echo \\\" @ '@'", &[BARE, SINGLE]),
        ("echo 'a\\' @", &[BARE]),
        ("printf '%s\\n' \"@\" > /var/outputs/x", &[DOUBLE]),
        ("echo \"line\nbreak @\"", &[DOUBLE]),
    ]);
}

#[test]
fn substitutions_open_fresh_contexts() {
    check(&[
        ("echo \"$(echo @)\"", &[BARE]),
        ("echo \"$(echo '@')\"", &[SINGLE]),
        ("echo \"$(echo \"@\") @\"", &[DOUBLE, DOUBLE]),
        ("echo $(echo $(echo @))", &[BARE]),
        ("echo \"$(echo (a) @)\" @", &[BARE, BARE]),
        ("echo \"$(echo ')' @)\"", &[BARE]),
        ("echo \"$(echo \\) @)\"", &[BARE]),
        ("echo \"$(f() { echo; }; f @)\"", &[BARE]),
        ("echo $((@ * 2))", &[ARITHMETIC]),
        ("echo \"$((@ + (1 * 2)))\" '@'", &[ARITHMETIC, SINGLE]),
        ("echo $(( $(echo @) + 1 ))", &[BARE]),
        ("echo \"${x}@\"", &[DOUBLE]),
        ("echo ${#x} @", &[BARE]),
        ("echo $# $? $$ @", &[BARE]),
        ("echo \"$1@\"", &[DOUBLE]),
        ("echo @>x @ >x a@>x '@'>x", &[REDIRECT, BARE, BARE, SINGLE]),
        ("cat @<x;@>>y", &[REDIRECT, REDIRECT]),
        ("echo $((@>1))", &[ARITHMETIC]),
        ("x=$(cat <<EOF\nbody\nEOF\n) && echo @", &[BARE]),
    ]);
}

#[test]
fn unsafe_positions_are_rejected() {
    check(&[
        ("echo `echo @`", &[unsafe_(Unsafe::Backticks)]),
        ("echo \"`echo '@'`\"", &[unsafe_(Unsafe::Backticks)]),
        ("echo `echo \\`@\\``", &[unsafe_(Unsafe::Backticks)]),
        ("echo `a` @", &[BARE]),
        ("echo $'a @'", &[unsafe_(Unsafe::AnsiCQuotes)]),
        ("echo $'it\\'s @' @", &[unsafe_(Unsafe::AnsiCQuotes), BARE]),
        ("echo \"$'\" \"@\"", &[DOUBLE]),
        ("echo ${x:-@}", &[unsafe_(Unsafe::ParameterExpansion)]),
        (
            "echo \"${x:-\"@\"}\"",
            &[unsafe_(Unsafe::ParameterExpansion)],
        ),
        (
            "echo ${x:-$(echo @)}",
            &[unsafe_(Unsafe::ParameterExpansion)],
        ),
        ("echo \\@", &[unsafe_(Unsafe::AfterBackslash)]),
        ("echo \"\\@\"", &[unsafe_(Unsafe::AfterBackslash)]),
        ("echo '\\@'", &[SINGLE]),
        ("echo $@", &[unsafe_(Unsafe::AfterDollar)]),
        ("echo \"$@\"", &[unsafe_(Unsafe::AfterDollar)]),
        ("echo $HOME@", &[unsafe_(Unsafe::AfterDollar)]),
        ("echo \"$HOME@\"", &[unsafe_(Unsafe::AfterDollar)]),
        ("echo '$'@", &[BARE]),
        ("echo \\$@", &[BARE]),
    ]);
}

#[test]
fn comments_are_found_at_word_start() {
    check(&[
        ("echo hi # @", &[unsafe_(Unsafe::Comment)]),
        ("# @\necho @", &[unsafe_(Unsafe::Comment), BARE]),
        ("echo a#@", &[BARE]),
        ("echo '#' @", &[BARE]),
        ("echo \"# @\"", &[DOUBLE]),
        ("echo $(# @\n@)", &[unsafe_(Unsafe::Comment), BARE]),
        ("echo a{#'\n@\n'", &[SINGLE]),
        ("echo ${#@}", &[unsafe_(Unsafe::ParameterExpansion)]),
        ("echo $((1#@))", &[ARITHMETIC]),
        ("true;# @\necho '@'", &[unsafe_(Unsafe::Comment), SINGLE]),
    ]);
}

#[test]
fn here_documents_are_skipped() {
    let body = unsafe_(Unsafe::HereDocument);
    let delimiter = unsafe_(Unsafe::HereDocumentDelimiter);
    check(&[
        ("cat <<EOF\n@\nEOF\necho @", &[body, BARE]),
        ("cat <<'EOF'\n'@\nEOF\necho '@'", &[body, SINGLE]),
        ("cat <<\"E O\"\n@\nE O\necho @", &[body, BARE]),
        ("cat << \\EOF\n@\nEOF\necho @", &[body, BARE]),
        ("cat <<-EOF\n\t@\n\tEOF\necho @", &[body, BARE]),
        ("cat <<EOF\n\tEOF\n@\nEOF\n@", &[body, BARE]),
        ("cat <<A; cat <<B\n@\nA\n@\nB\n@", &[body, body, BARE]),
        ("cat <<EOF | tr a b\n@\nEOF\n'@'", &[body, SINGLE]),
        ("cat <<EOF\n@", &[body]),
        ("cat <<@\nx\n@", &[delimiter, BARE]),
        ("cat <<<@", &[BARE]),
        ("cat <<< '@'", &[SINGLE]),
        ("echo $((1 << @))", &[ARITHMETIC]),
        ("echo \"<<EOF\n@\"", &[DOUBLE]),
        ("echo '<<EOF'\n@", &[BARE]),
    ]);
}

#[test]
fn ambiguous_scripts_reject_later_placeholders() {
    check(&[
        (
            "x=$(case $y in a) echo;; esac) && echo @",
            &[unsafe_(Unsafe::AfterCase)],
        ),
        (
            "x=$(case $y in (a) echo;; esac) && echo '@'",
            &[unsafe_(Unsafe::AfterCase)],
        ),
        (
            "echo @ $(case a in a) ;; esac) @",
            &[BARE, unsafe_(Unsafe::AfterCase)],
        ),
        ("case $y in a) echo @;; esac", &[BARE]),
        ("x=$(echo case_1) && echo @", &[BARE]),
        (
            "x=$((echo a) | cat) && echo @",
            &[unsafe_(Unsafe::AfterArithmeticSubshell)],
        ),
        (
            "echo \"${x:-it's}\" @ '@'",
            &[
                unsafe_(Unsafe::AfterQuoteInParameter),
                unsafe_(Unsafe::AfterQuoteInParameter),
            ],
        ),
        ("echo ${x:-'a b'} @", &[BARE]),
    ]);
}

#[test]
fn every_placeholder_gets_a_context() {
    for script in ["@", "'@", "\"@", "`@", "$(@", "${@", "\\", "@\\", "cat <<"] {
        let count = script.matches('@').count();
        assert_eq!(contexts_of(script).len(), count, "script {script:?}");
    }
}
