//! docs/ARCHITECTURE.md lists the error codes clients may match on; it must list exactly
//! the codes the services can answer with.

use std::collections::BTreeSet;

use pupero_http::ErrorCode;

#[test]
fn the_documented_codes_are_the_enum() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/ARCHITECTURE.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let table = doc
        .split_once("<!-- error-codes")
        .and_then(|(_, rest)| rest.split_once("<!-- /error-codes -->"))
        .map(|(table, _)| table)
        .unwrap_or_default();
    let documented: BTreeSet<&str> = table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`'))
        .map(|(code, _)| code)
        .collect();
    let in_code: BTreeSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert!(!documented.is_empty(), "no error-code table in {path}");
    let undocumented: Vec<_> = in_code.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&in_code).collect();
    assert!(
        undocumented.is_empty() && stale.is_empty(),
        "undocumented codes: {undocumented:?}; documented but not in ErrorCode: {stale:?}"
    );
}
