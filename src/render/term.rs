//! Text from payloads, made safe and measured for a terminal.
//!
//! Website visitors write the values leadcheck shows (`contact_name`, form labels, chat
//! transcripts), and file names can hold anything: none of it may move the cursor, set the
//! window title, ring the bell, overwrite a line or reorder what follows it. So every piece
//! of input text goes through [`escape_control`] (or [`escape_control_keep_newlines`] where
//! a layout shows multi-line text) before it reaches a terminal, and layouts measure it
//! with [`width`], in terminal columns, not in `char`s.
//!
//! Escaping: each character below is written as a Rust-style escape of its code point,
//! `\u{1b}`, `\u{7}`, `\u{d}`, `\u{9}` (hex, lower case), the one form every renderer uses
//! (`render::escape` is this function); every other character, the backslash and all
//! non-ASCII text included, is kept as it is:
//! - C0 controls U+0000..U+001F (ESC starts colour, cursor and OSC sequences, BEL rings, CR
//!   returns to the start of the line, TAB jumps) and DEL U+007F;
//! - C1 controls U+0080..U+009F (U+009B is a one-character CSI on some terminals);
//! - the bidirectional embedding, override and isolate characters U+202A..U+202E and
//!   U+2066..U+2069, which reorder the text after them ("Trojan Source").
//!
//! Widths are per grapheme cluster (what a reader sees as one character: a base and its
//! combining marks, an emoji ZWJ sequence, a flag): CJK and emoji take two columns,
//! combining marks none. Text is cut and wrapped between clusters only.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The mark of a cut.
pub const ELLIPSIS: &str = "…";

/// Whether `c` is written escaped (see the module documentation).
pub fn is_unsafe(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `bytes` (UTF-8) may hold a character of [`is_unsafe`]: a byte of a C0 control or
/// DEL, or the lead byte of the encoding of a C1 control (`C2`) or of a bidi control (`E2`).
/// `false` for nearly all text, found a block of bytes at a time without decoding it.
fn may_be_unsafe(bytes: &[u8]) -> bool {
    let suspect = |b: &u8| u8::from((*b < 0x20) | (*b == 0x7f) | (*b == 0xc2) | (*b == 0xe2));
    let any = |block: &[u8; 32]| block.iter().map(suspect).fold(0, |a, b| a | b) != 0;
    let mut blocks = bytes.chunks_exact(32);
    if blocks
        .by_ref()
        .any(|block| any(block.try_into().expect("blocks of 32 bytes")))
    {
        return true;
    }
    // The last, shorter block (all of most names and pointers) padded with spaces, which
    // are not suspect, and checked by the same vector code rather than a byte at a time.
    let rest = blocks.remainder();
    let mut block = [b' '; 32];
    block[..rest.len()].copy_from_slice(rest);
    any(&block)
}

/// `s` with every control and bidi character written visibly (`\u{1b}`); borrowed when
/// there is none.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// As [`escape_control`], but line breaks are kept: `\n`, and `\r\n` as `\n` (for layouts
/// that show multi-line text, such as a transcript, one line under the other). A lone CR is
/// escaped.
pub fn escape_control_keep_newlines(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !may_be_unsafe(s.as_bytes())
        || !s
            .chars()
            .any(|c| is_unsafe(c) && !(keep_newlines && c == '\n'))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\r' if keep_newlines && chars.peek() == Some(&'\n') => {}
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Display width of `s` in terminal columns (of text already escaped: a control
/// character counts as none).
pub fn width(s: &str) -> usize {
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// `s` cut to at most `cols` columns, with `…` marking the cut (`s` itself when it fits).
pub fn truncate(s: &str, cols: usize) -> String {
    if width(s) <= cols {
        return s.to_string();
    }
    let budget = cols.saturating_sub(width(ELLIPSIS));
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = UnicodeWidthStr::width(g);
        if used + w > budget {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if cols > 0 {
        out.push_str(ELLIPSIS);
    }
    out
}

/// `s` followed by spaces up to `cols` columns (unchanged when it is that wide or wider).
pub fn pad(s: &str, cols: usize) -> String {
    let w = width(s);
    let mut out = String::with_capacity(s.len() + cols.saturating_sub(w));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// `s` in lines of at most `cols` columns: at the line breaks it holds, at spaces where
/// possible, and between grapheme clusters within a word longer than a line (a cluster
/// wider than a line gets a line of its own). A CR before a line break is dropped.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut lines = Vec::new();
    for paragraph in s.split('\n') {
        let paragraph = paragraph.strip_suffix('\r').unwrap_or(paragraph);
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split(' ') {
            let w = width(word);
            if used > 0 && used + 1 + w > cols {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if used > 0 {
                line.push(' ');
                used += 1;
            }
            for g in word.graphemes(true) {
                let gw = UnicodeWidthStr::width(g);
                if used > 0 && used + gw > cols {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push_str(g);
                used += gw;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_written_visibly() {
        // An OSC that sets the window title, ended by BEL; a CR that would overwrite the
        // line; colour; TAB; DEL; a C1 CSI; the bidi override of "Trojan Source".
        assert_eq!(
            escape_control("\u{1b}]0;pwned\u{7}Jo\rX\u{1b}[31mred\tT\u{7f}\u{9b}2J"),
            "\\u{1b}]0;pwned\\u{7}Jo\\u{d}X\\u{1b}[31mred\\u{9}T\\u{7f}\\u{9b}2J"
        );
        assert_eq!(
            escape_control("abc\u{202e}fed\u{2066}x\u{2069}"),
            "abc\\u{202e}fed\\u{2066}x\\u{2069}"
        );
        assert_eq!(escape_control("a\nb\r\nc"), "a\\u{a}b\\u{d}\\u{a}c");
        assert_eq!(escape_control("\u{0}"), "\\u{0}");
        // Nothing to escape: borrowed, and text that only looks like an escape is kept.
        let plain = "Zoë 日本 👩‍👩‍👧 C:\\temp \\u{1b}";
        assert!(matches!(escape_control(plain), Cow::Borrowed(_)));
        // U+2028 and U+200F (not an override) are kept; U+00A0 is not a control.
        assert_eq!(
            escape_control("a\u{2028}b\u{200f}\u{a0}"),
            "a\u{2028}b\u{200f}\u{a0}"
        );
    }

    #[test]
    fn the_quick_check_misses_no_unsafe_character() {
        // Every character that is escaped is suspected, alone and inside a longer text at
        // each place of a block of 32 bytes (and in the remainder after the blocks).
        let pad = "x".repeat(40);
        for c in (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| is_unsafe(c))
        {
            let mut buf = [0u8; 4];
            let one = c.encode_utf8(&mut buf);
            assert!(may_be_unsafe(one.as_bytes()), "{c:?}");
            for at in [0, 1, 29, 31, 32, 33, 39] {
                let text = format!("{}{one}{}", &pad[..at], &pad[at..]);
                assert!(may_be_unsafe(text.as_bytes()), "{c:?} at {at}");
                assert_ne!(escape_control(&text), text);
            }
        }
        // Text with none of those bytes is not (a ZWJ, U+200D, starts with E2 and is).
        assert!(!may_be_unsafe(
            "Zoë 日本 👩 the quick brown fox, jumps".as_bytes()
        ));
        assert!(may_be_unsafe("👩\u{200d}👧".as_bytes()));
    }

    #[test]
    fn the_newline_variant_keeps_line_breaks_only() {
        assert_eq!(
            escape_control_keep_newlines("line 1\r\nline 2\nx\ry\u{1b}[2J"),
            "line 1\nline 2\nx\\u{d}y\\u{1b}[2J"
        );
        assert!(matches!(
            escape_control_keep_newlines("a\nb"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn width_counts_columns() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本語"), 6);
        assert_eq!(width("한국어"), 6);
        // e + combining acute, and a precomposed é: one column each.
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("\u{e9}"), 1);
        assert_eq!(width("🙂"), 2);
        // A family (ZWJ sequence), a skin tone, a flag: two columns each.
        assert_eq!(width("👩‍👩‍👧"), 2);
        assert_eq!(width("👍🏽"), 2);
        assert_eq!(width("🇫🇷"), 2);
        assert_eq!(width(""), 0);
    }

    #[test]
    fn truncate_cuts_between_clusters_by_width() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abcd", 4), "abcd");
        // Two columns a character: 4 columns hold one and the ellipsis (a half would not).
        assert_eq!(truncate("日本語です", 4), "日…");
        assert_eq!(width(&truncate("日本語です", 5)), 5);
        assert_eq!(truncate("日本語です", 5), "日本…");
        // A combining mark stays with its base.
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(truncate("👩‍👩‍👧👩‍👩‍👧", 3), "👩‍👩‍👧…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("abc", 1), "…");
    }

    #[test]
    fn pad_fills_to_a_column() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("日本", 5), "日本 ");
        assert_eq!(pad("e\u{301}", 3), "e\u{301}  ");
        assert_eq!(pad("abcdef", 3), "abcdef");
    }

    #[test]
    fn wrap_measures_columns() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        assert_eq!(wrap("a\r\nb", 10), ["a", "b"]);
        assert_eq!(wrap("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(wrap("", 3), [""]);
        // Five CJK characters are ten columns: four lines of four columns or less.
        assert_eq!(wrap("日本語です", 4), ["日本", "語で", "す"]);
        assert_eq!(wrap("日本 語です", 5), ["日本", "語で", "す"]);
        // Never inside a cluster; a cluster wider than the line gets a line of its own.
        assert_eq!(
            wrap("e\u{301}e\u{301}e\u{301}", 2),
            ["e\u{301}e\u{301}", "e\u{301}"]
        );
        assert_eq!(wrap("日本", 1), ["日", "本"]);
        for line in wrap("Zoë 👩‍👩‍👧 日本語のテキスト and more words here", 7)
        {
            assert!(width(&line) <= 7, "{line:?}");
        }
    }
}
