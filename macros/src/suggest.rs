//! "Did you mean" suggestions for misspelt keys and input names.

/// Returns the optimal string alignment distance between `a` and `b`: the
/// number of single-character insertions, deletions, substitutions and swaps
/// of two adjacent characters that turn `a` into `b`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();

    // Three rows of the dynamic programming table: before the previous row,
    // the previous row and the current one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];

    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut distance = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                distance = distance.min(before[j - 2] + 1);
            }
            current[j] = distance;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Returns the candidate closest to `name` when it is close enough to be a
/// likely typo: equal ignoring ASCII case, or at most one edit per three
/// characters of `name` (and at least one edit). The first of equally close
/// candidates wins.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let max_distance = name.chars().count().max(3) / 3;
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = if candidate.eq_ignore_ascii_case(name) {
            0
        } else {
            edit_distance(name, candidate)
        };
        let closer = best.is_none_or(|(best_distance, _)| distance < best_distance);
        if distance <= max_distance && closer {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_table() {
        let cases = [
            ("", "", 0),
            ("abc", "", 3),
            ("", "abc", 3),
            ("name", "name", 0),
            ("nmae", "name", 1),
            ("imgae", "image", 1),
            ("nam", "name", 1),
            ("names", "name", 1),
            ("nbme", "name", 1),
            ("kitten", "sitting", 3),
            ("ca", "abc", 3),
            ("café", "cafe", 1),
        ];
        for (a, b, expected) in cases {
            assert_eq!(
                edit_distance(a, b),
                expected,
                "distance from {a:?} to {b:?}"
            );
        }
    }

    #[test]
    fn closest_finds_typos() {
        let keys = [
            "name",
            "image",
            "command",
            "input_data_dir",
            "output_data_dir",
        ];
        assert_eq!(closest("imgae", keys), Some("image"));
        assert_eq!(closest("comand", keys), Some("command"));
        assert_eq!(closest("NAME", keys), Some("name"));
        assert_eq!(closest("input_dir", keys), None);
        assert_eq!(closest("input_data_dri", keys), Some("input_data_dir"));
    }

    #[test]
    fn closest_rejects_distant_names() {
        assert_eq!(closest("ab", ["xy"]), None);
        assert_eq!(closest("volume", ["name", "image"]), None);
        assert_eq!(closest("anything", []), None);
    }

    #[test]
    fn closest_prefers_nearer_candidate() {
        assert_eq!(closest("nmae", ["named", "name"]), Some("name"));
        assert_eq!(
            closest("greting", ["greeting", "grating"]),
            Some("greeting")
        );
    }
}
