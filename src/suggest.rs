//! "Did you mean …?" for near misses: `"Chatt"` → `"Chat"`, `lead_sorce` → `lead_source`.

/// The longest word a suggestion is looked for.
const MAX_WORD: usize = 64;

/// The candidate closest to `word`, if it is close enough to be what was meant: the same
/// word in another case, or within an edit distance of about a third of its length.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    // Field names and enumerated values are short: a long word is no near miss, and the
    // edit distance below is quadratic in the length.
    let length = word.chars().count();
    if length > MAX_WORD {
        return None;
    }
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == word || candidate.chars().count().abs_diff(length) > 3 {
            continue;
        }
        let distance = if candidate.to_lowercase() == lower {
            0
        } else {
            damerau_levenshtein(&lower, &candidate.to_lowercase())
        };
        let limit = (candidate.chars().count().max(word.chars().count()) / 3).clamp(1, 3);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance counting insertions, deletions, substitutions and adjacent swaps, each
/// character edited at most once: the "optimal string alignment" (restricted)
/// Damerau-Levenshtein distance, counted in characters (`strsim::osa_distance`).
fn damerau_levenshtein(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let types = ["Chat", "Phone Call", "Web Form"];
        assert_eq!(closest("Chatt", types), Some("Chat"));
        assert_eq!(closest("chat", types), Some("Chat"));
        assert_eq!(closest("Phone call", types), Some("Phone Call"));
        assert_eq!(closest("Webform", types), Some("Web Form"));
        assert_eq!(closest("Fax", types), None);
        assert_eq!(closest("Chat", types), None);
        assert_eq!(
            closest("lead_sorce", ["lead_source", "lead_score"]),
            Some("lead_source")
        );
        assert_eq!(
            closest("In Progess", ["In Progress", "Completed"]),
            Some("In Progress")
        );
        assert_eq!(damerau_levenshtein("ab", "ba"), 1);
        // The restricted distance: a swapped pair is not edited again (the unrestricted one
        // says 2 here).
        assert_eq!(damerau_levenshtein("ca", "abc"), 3);
        // Characters, not bytes.
        assert_eq!(damerau_levenshtein("Caf\u{e9}", "Cafe"), 1);
        assert_eq!(damerau_levenshtein("", "abc"), 3);
        // A huge value is no near miss (and costs nothing to rule out).
        assert_eq!(closest(&"Chat".repeat(100_000), types), None);
    }
}
