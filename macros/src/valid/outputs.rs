//! Outputs that no command or argument mentions, which the container is
//! unlikely to write.

use syn::Ident;

use crate::ast::Task;

/// An output whose path and directory appear in no `command` or
/// `arguments` element.
pub struct UnwrittenOutput<'a> {
    pub ident: &'a Ident,
    /// The warning, which names the output and the paths looked for.
    pub note: String,
}

/// Returns the outputs that are likely never written: all of them when no
/// element mentions the output directory, which every output path starts
/// with, and none otherwise, because a script may `cd` into the directory.
pub fn unwritten(task: &Task) -> Vec<UnwrittenOutput<'_>> {
    let dir = &task.output_data_dir.path;
    let elements = [&task.command, &task.arguments]
        .into_iter()
        .flatten()
        .flat_map(|array| &array.items);
    if elements
        .map(|literal| literal.value())
        .any(|text| mentions(&text, dir))
    {
        return Vec::new();
    }
    task.outputs
        .items
        .iter()
        .map(|output| UnwrittenOutput {
            ident: &output.ident,
            note: format!(
                "output `{name}` is never written: no command or argument mentions \
                 `{dir}/{name}` or `{dir}`",
                name = output.name
            ),
        })
        .collect()
}

/// Returns true when `text` contains `path` as a whole path: not preceded or
/// followed by a character of a file name, so `/var/outputs2` and
/// `/data/var/outputs` do not mention `/var/outputs`.
fn mentions(text: &str, path: &str) -> bool {
    let is_name_char = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.');
    text.match_indices(path).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + path.len()..].chars().next();
        !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_table() {
        let dir = "/var/outputs";
        let cases = [
            ("echo > /var/outputs/result", true),
            ("cd /var/outputs && echo > result", true),
            ("cd /var/outputs", true),
            ("/var/outputs", true),
            ("out='/var/outputs'", true),
            ("printf x >\"/var/outputs/a b\"", true),
            ("cd /var/outputs/", true),
            ("cd /var/outputs2", false),
            ("cd /var/outputs.d", false),
            ("cd /data/var/outputs", false),
            ("echo /var/output", false),
            ("", false),
        ];
        for (text, expected) in cases {
            assert_eq!(mentions(text, dir), expected, "text {text:?}");
        }
    }
}
