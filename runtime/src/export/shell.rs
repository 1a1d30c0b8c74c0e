//! Shell expansions that replace a placeholder inside a `sh -c` script.
//!
//! Flyte's and Argo's backends substitute a string into a command as raw
//! text. In a script, raw text would let a value such as `'; rm -rf /; '`
//! end the quotes and run commands, where the local runner escapes it. So
//! both exports put the value in a shell variable, set from the environment
//! on Argo and from the input file on Flyte, and write an expansion of that
//! variable that the shell neither splits nor runs:
//!
//! | quoting | local runner | expansion |
//! |---|---|---|
//! | inside `'...'` | `'` becomes `'\''` | `'"${CONTAINERFLOW_INPUT_x}"'` |
//! | inside `"..."` | `\ " $` and `` ` `` escaped | `${CONTAINERFLOW_INPUT_x}` |
//! | bare word, string | wrapped in `'...'` | `"${CONTAINERFLOW_INPUT_x}"` |
//! | bare word, other scalar | inserted as it is | `${CONTAINERFLOW_INPUT_x}` |

use crate::spec::Quoting;

/// The prefix of the shell variables that carry input values.
pub(super) const VARIABLE_PREFIX: &str = "CONTAINERFLOW_INPUT_";

/// Returns the name of the shell variable that carries input `name`.
pub(super) fn variable_name(name: &str) -> String {
    format!("{VARIABLE_PREFIX}{name}")
}

/// Rejects an environment variable name that starts with [`VARIABLE_PREFIX`],
/// because the exported scripts set variables of that name.
pub(super) fn check_not_reserved(name: &str) -> Result<(), String> {
    if name.starts_with(VARIABLE_PREFIX) {
        return Err(format!(
            "the environment variable `{name}` starts with `{VARIABLE_PREFIX}`, which the export \
             reserves for the variables that carry input values; rename it"
        ));
    }
    Ok(())
}

/// Returns the expansion of `variable` at a position with the given quoting,
/// or `None` for [`Quoting::Verbatim`], which is not inside a script.
///
/// A bare string is wrapped in double quotes, so the shell reads it as one
/// word without globbing. A bare value of another type is left unquoted, so
/// that `$((n * 2))` stays arithmetic; the caller must make sure its text is
/// shell-safe.
pub(super) fn expansion(variable: &str, quoting: Quoting, is_string: bool) -> Option<String> {
    Some(match quoting {
        Quoting::Verbatim => return None,
        Quoting::ShellSingle => format!("'\"${{{variable}}}\"'"),
        Quoting::ShellDouble => format!("${{{variable}}}"),
        Quoting::ShellBare if is_string => format!("\"${{{variable}}}\""),
        Quoting::ShellBare => format!("${{{variable}}}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_per_quoting() {
        let variable = variable_name("x");
        let cases = [
            (Quoting::ShellSingle, true, "'\"${CONTAINERFLOW_INPUT_x}\"'"),
            (Quoting::ShellDouble, true, "${CONTAINERFLOW_INPUT_x}"),
            (Quoting::ShellBare, true, "\"${CONTAINERFLOW_INPUT_x}\""),
            (Quoting::ShellBare, false, "${CONTAINERFLOW_INPUT_x}"),
        ];
        for (quoting, is_string, expected) in cases {
            let text = expansion(&variable, quoting, is_string);
            assert_eq!(text.as_deref(), Some(expected), "{quoting:?}");
        }
        assert_eq!(expansion(&variable, Quoting::Verbatim, true), None);
    }
}
