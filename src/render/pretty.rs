//! `leadcheck fmt`: a record's tree written back as JSON, pretty or compact, with syntax
//! colour when the stream gets colour. Scalars are written exactly as they were received.

use std::io::{self, Write};

use leadcheck::tree::Node;

use super::Palette;

/// How to lay the JSON out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// One line, no spaces.
    pub compact: bool,
    /// Spaces per level (pretty layout).
    pub indent: usize,
}

/// Writes one record, followed by a newline.
pub fn write_node(
    out: &mut dyn Write,
    p: Palette,
    node: &Node<'_>,
    layout: Layout,
) -> io::Result<()> {
    let mut text = String::new();
    push(&mut text, p, node, layout, 0);
    text.push('\n');
    out.write_all(text.as_bytes())
}

fn push(text: &mut String, p: Palette, node: &Node<'_>, layout: Layout, depth: usize) {
    let newline = |text: &mut String, depth: usize| {
        if !layout.compact {
            text.push('\n');
            text.push_str(&" ".repeat(layout.indent * depth));
        }
    };
    match node {
        Node::Object(members) if members.is_empty() => text.push_str("{}"),
        Node::Array(items) if items.is_empty() => text.push_str("[]"),
        Node::Object(members) => {
            text.push('{');
            for (i, (key, value)) in members.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                newline(text, depth + 1);
                text.push_str(&p.key(&String::from_utf8_lossy(key)));
                text.push(':');
                if !layout.compact {
                    text.push(' ');
                }
                push(text, p, value, layout, depth + 1);
            }
            newline(text, depth);
            text.push('}');
        }
        Node::Array(items) => {
            text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                newline(text, depth + 1);
                push(text, p, item, layout, depth + 1);
            }
            newline(text, depth);
            text.push(']');
        }
        Node::Scalar(raw) => {
            let s = String::from_utf8_lossy(raw);
            let styled = match raw.first() {
                Some(b'"') => p.string(&s),
                Some(b't' | b'f' | b'n') => p.literal(&s),
                _ => p.number(&s),
            };
            text.push_str(&styled);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leadcheck::tree::parse;

    fn render(raw: &[u8], compact: bool, indent: usize) -> String {
        let mut out = Vec::new();
        write_node(
            &mut out,
            Palette::PLAIN,
            &parse(raw),
            Layout { compact, indent },
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn pretty_and_compact() {
        let raw = br#"{"b":1.50,"a":[1e3, {}],"c":{"d":[]}}"#;
        assert_eq!(
            render(raw, false, 2),
            "{\n  \"b\": 1.50,\n  \"a\": [\n    1e3,\n    {}\n  ],\n  \"c\": {\n    \"d\": []\n  }\n}\n"
        );
        assert_eq!(
            render(raw, true, 2),
            "{\"b\":1.50,\"a\":[1e3,{}],\"c\":{\"d\":[]}}\n"
        );
        assert_eq!(render(b"  7 ", false, 4), "7\n");
    }
}
