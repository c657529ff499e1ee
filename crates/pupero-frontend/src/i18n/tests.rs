//! The catalogues are complete and well-formed, and the code asks only for keys they have.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast;

use super::*;

/// language → area → (key → the variables its message uses)
type Keys = BTreeMap<String, BTreeMap<String, BTreeMap<String, BTreeSet<String>>>>;

fn variables_of(pattern: &ast::Pattern<&str>, into: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, into);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, into: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Inline(inline) => inline_variables(inline, into),
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, into);
            for v in variants {
                variables_of(&v.value, into);
            }
        }
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, into: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            into.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, into),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for p in &arguments.positional {
                inline_variables(p, into);
            }
        }
        _ => {}
    }
}

fn keys() -> Keys {
    let mut keys = Keys::new();
    for (language, area, source) in catalogues::CATALOGUES {
        let resource = fluent_syntax::parser::parse(*source).unwrap_or_else(|(_, errors)| {
            panic!("locales/{language}/{area}.ftl does not parse: {errors:?}")
        });
        let messages = keys
            .entry((*language).to_owned())
            .or_default()
            .entry((*area).to_owned())
            .or_default();
        for entry in resource.body {
            match entry {
                ast::Entry::Message(m) => {
                    let pattern = m.value.unwrap_or_else(|| {
                        panic!(
                            "locales/{language}/{area}.ftl: `{}` has no value",
                            m.id.name
                        )
                    });
                    let mut vars = BTreeSet::new();
                    variables_of(&pattern, &mut vars);
                    let fresh = messages.insert(m.id.name.to_owned(), vars).is_none();
                    assert!(
                        fresh,
                        "locales/{language}/{area}.ftl defines `{}` twice",
                        m.id.name
                    );
                }
                ast::Entry::Junk { content } => {
                    panic!("locales/{language}/{area}.ftl has unreadable text: {content:?}")
                }
                _ => {}
            }
        }
    }
    keys
}

#[test]
fn every_language_has_exactly_the_english_messages_with_the_same_placeholders() {
    let keys = keys();
    let english = keys.get("en").expect("English catalogues exist");
    let mut problems = Vec::new();
    for locale in Locale::ALL {
        let tag = locale.tag();
        let Some(theirs) = keys.get(tag) else {
            problems.push(format!("no catalogues for {tag}"));
            continue;
        };
        for (area, messages) in english {
            let Some(their_messages) = theirs.get(area) else {
                problems.push(format!("locales/{tag}/{area}.ftl is missing"));
                continue;
            };
            for (key, vars) in messages {
                match their_messages.get(key) {
                    None => problems.push(format!("locales/{tag}/{area}.ftl lacks `{key}`")),
                    Some(their_vars) if !their_vars.is_subset(vars) => problems.push(format!(
                        "locales/{tag}/{area}.ftl: `{key}` uses {their_vars:?}, English offers {vars:?}"
                    )),
                    Some(_) => {}
                }
            }
            for key in their_messages.keys().filter(|k| !messages.contains_key(*k)) {
                problems.push(format!(
                    "locales/{tag}/{area}.ftl has `{key}`, which English lacks"
                ));
            }
        }
        for area in theirs.keys().filter(|a| !english.contains_key(*a)) {
            problems.push(format!("locales/{tag}/{area}.ftl has no English original"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_key_is_defined_in_two_areas() {
    let keys = keys();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (area, messages) in &keys["en"] {
        for key in messages.keys() {
            if let Some(other) = seen.insert(key, area) {
                panic!("`{key}` is defined in both {other}.ftl and {area}.ftl");
            }
        }
    }
}

#[tokio::test]
async fn every_message_formats_in_every_language_without_errors() {
    let keys = keys();
    for locale in Locale::ALL {
        for messages in keys["en"].values() {
            for (key, vars) in messages {
                let bundle = &catalogue().bundles[&locale];
                let pattern = bundle.get_message(key).and_then(|m| m.value());
                let pattern =
                    pattern.unwrap_or_else(|| panic!("{}: `{key}` missing", locale.tag()));
                let mut args = FluentArgs::new();
                for v in vars {
                    args.set(v.as_str(), FluentValue::from(2));
                }
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{}: `{key}`: {errors:?}", locale.tag());
                assert!(
                    !text.trim().is_empty(),
                    "{}: `{key}` is empty",
                    locale.tag()
                );
            }
        }
    }
}

fn files_under(dir: &Path, extension: &str, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            files_under(&path, extension, into);
        } else if path.extension().is_some_and(|e| e == extension) {
            into.push(path);
        }
    }
}

/// The keys a source text asks for: the literal first argument of `t(`, `t1(`, `t2(` and
/// `t_args(` (keys are never built at run time, so this finds them all).
fn keys_asked_for(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for needle in ["t(\"", "t1(\"", "t2(\"", "t_args(\""] {
        let mut from = 0;
        while let Some(at) = source[from..].find(needle) {
            let start = from + at;
            from = start + needle.len();
            let before = source[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(end) = source[from..].find('"') {
                found.push(source[from..from + end].to_owned());
            }
        }
    }
    found
}

#[test]
fn every_key_the_code_and_templates_ask_for_is_in_english() {
    let english: BTreeSet<String> = keys()["en"]
        .values()
        .flat_map(|m| m.keys().cloned())
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("src"), "rs", &mut files);
    files_under(&root.join("templates"), "html", &mut files);
    let mut asked = 0;
    let mut missing = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("i18n/tests.rs")) {
        let source = std::fs::read_to_string(file).expect("readable source");
        for key in keys_asked_for(&source) {
            asked += 1;
            if !english.contains(&key) {
                missing.push(format!(
                    "{}: `{key}`",
                    file.strip_prefix(root).unwrap_or(file).display()
                ));
            }
        }
    }
    assert!(asked > 0, "the scan found no keys at all: it is broken");
    assert!(
        missing.is_empty(),
        "keys missing from locales/en:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_scan_finds_keys_and_only_keys() {
    let found = keys_asked_for(
        r#"{{ chrome.t("nav-offers") }} i18n::t1("a-b", "n", 1) split("x") t2("c", "x", 1, "y", 2)"#,
    );
    assert_eq!(found, ["nav-offers", "a-b", "c"]);
}

#[test]
fn accept_language_picks_the_most_preferred_language_we_speak() {
    assert_eq!(
        Locale::negotiate("fr-CH, fr;q=0.9, en;q=0.8"),
        Some(Locale::Fr)
    );
    assert_eq!(
        Locale::negotiate("ja, de;q=0.5, es;q=0.7"),
        Some(Locale::Es)
    );
    assert_eq!(Locale::negotiate("pt-BR"), Some(Locale::Pt));
    assert_eq!(
        Locale::negotiate("en;q=0.1, de;q=0.1"),
        Some(Locale::En),
        "a tie goes to the first"
    );
    assert_eq!(
        Locale::negotiate("fr;q=0, de;q=0.2"),
        Some(Locale::De),
        "q=0 means not this one"
    );
    assert_eq!(Locale::negotiate("ja, zh"), None);
    assert_eq!(
        Locale::negotiate("fr;q=2, de;q=abc"),
        None,
        "malformed qualities are ignored"
    );
    assert_eq!(Locale::negotiate(""), None);
}

#[test]
fn numbers_are_written_the_way_each_language_writes_them() {
    assert_eq!(Locale::En.decimal("1234567.5"), "1,234,567.5");
    assert_eq!(Locale::Fr.decimal("1234567.5"), "1\u{202f}234\u{202f}567,5");
    assert_eq!(Locale::De.decimal("1234.5"), "1.234,5");
    assert_eq!(Locale::Pt.decimal("-0.000000000001"), "-0,000000000001");
    assert_eq!(
        Locale::Es.decimal("1234.5"),
        "1234,5",
        "Spanish groups from five digits"
    );
    assert_eq!(Locale::Es.decimal("12345"), "12.345");
    assert_eq!(Locale::Fr.decimal("n/a"), "n/a");
    assert_eq!(Locale::Fr.decimal("1.2.3"), "1.2.3");
}

#[tokio::test]
async fn amounts_and_dates_follow_the_request_language() {
    let instant = "2026-12-01T08:30:00Z";
    assert_eq!(
        when(instant),
        "2026-12-01 08:30 UTC",
        "English outside a request"
    );
    scope(Locale::De, async {
        assert_eq!(amount("1234.500000000000"), "1.234,5");
        assert_eq!(when(instant), "01.12.2026 08:30 UTC");
        assert_eq!(day(instant), "01.12.2026");
    })
    .await;
    scope(Locale::Fr, async {
        assert_eq!(day(instant), "01/12/2026");
        assert_eq!(t("nav-offers"), "Offres");
    })
    .await;
}
