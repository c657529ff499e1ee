//! Telling a token that leaked from random base64 that happens to look like its start.

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

#[cfg(test)]
mod tests {
    use super::contains_jwt;

    #[test]
    fn a_token_is_told_from_random_base64_that_happens_to_hold_its_prefix() {
        assert!(contains_jwt(
            "Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln;"
        ));
        assert!(!contains_jwt("v1:vtt6h3ZjlyeyJ965lzFz25MvC_VxbEjg"));
        assert!(
            !contains_jwt("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0"),
            "two parts are no token"
        );
    }
}
