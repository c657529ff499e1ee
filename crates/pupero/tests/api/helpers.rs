//! The harness lives in `pupero-testkit` (shared with the browser tests); the test modules
//! keep importing it as `crate::helpers`.

pub use pupero_testkit::*;

/// True when `text` holds something shaped like a JWT: three non-empty base64url parts
/// joined by dots, the first starting with "eyJ" (a JSON header). A bare "eyJ" turns up
/// by chance in random base64 (a sealed token, a CSRF token), about once in 260 000
/// places; base64url has no dots, so this shape does not.
pub fn contains_jwt(text: &str) -> bool {
    let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices("eyJ").any(|(at, _)| {
        let token: String = text[at..]
            .chars()
            .take_while(|&c| base64url(c) || c == '.')
            .collect();
        let parts: Vec<&str> = token.split('.').collect();
        parts.len() >= 3 && parts[..3].iter().all(|p| !p.is_empty())
    })
}
