use std::fmt;
use std::str::FromStr;

/// A URL that may carry a password (`mysql://user:pass@host/db`): usable as it is, shown
/// with the password masked (`Debug`, `Display`), so logging the settings leaks nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialUrl(String);

impl CredentialUrl {
    pub fn new(url: String) -> Self {
        Self(url)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CredentialUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CredentialUrl")
            .field(&redact_url(&self.0))
            .finish()
    }
}

impl fmt::Display for CredentialUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

impl FromStr for CredentialUrl {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// `scheme://user:***@host…`: the URL with its password masked, for logs and errors.
/// The password is everything between the first `:` after `://` and the last `@`, so a
/// password holding `@` or `:` is masked whole.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let (head, rest) = url.split_at(scheme_end);
    let Some(at) = rest.rfind('@') else {
        return url.to_owned();
    };
    let (userinfo, host) = rest.split_at(at);
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{head}{user}:***{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_and_everything_else_kept() {
        let table = [
            (
                "mysql://root:hunter2@db:3306/pupero",
                "mysql://root:***@db:3306/pupero",
            ),
            (
                "amqp://u:p@ss:w0rd@rabbit:5672/%2f",
                "amqp://u:***@rabbit:5672/%2f",
            ),
            ("postgres://user@db/pupero", "postgres://user@db/pupero"),
            (
                "sqlite://./pupero-data/pupero.db?mode=rwc",
                "sqlite://./pupero-data/pupero.db?mode=rwc",
            ),
            ("not a url", "not a url"),
        ];
        for (url, shown) in table {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn a_credential_url_never_shows_its_password() {
        let url: CredentialUrl = "mysql://root:hunter2@db/pupero".parse().unwrap();
        assert_eq!(url.expose(), "mysql://root:hunter2@db/pupero");
        assert!(!format!("{url:?}").contains("hunter2"));
        assert!(!url.to_string().contains("hunter2"));
    }
}
