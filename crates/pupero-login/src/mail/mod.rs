//! Mail to account holders: the SMTP transport, the one way every mail is composed (with
//! the account's anti-phishing phrase), and the single-use links mailed for a password
//! reset or an address verification.

pub mod store;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use pupero_core::NotificationKind;

pupero_core::string_enum! {
    /// What a mailed link is for (`email_tokens.purpose`).
    #[derive(sea_orm::DeriveValueType)]
    #[sea_orm(value_type = "String")]
    pub enum TokenPurpose ("email token purpose") {
        PasswordReset = "password_reset",
        VerifyEmail = "verify_email",
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("no SMTP server is configured (SMTP_URL or SMTP_HOST)")]
    NotConfigured,
    #[error("the mail could not be built: {0}")]
    Build(String),
    #[error("the SMTP server did not take the mail: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

/// The SMTP server, or none configured.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<Arc<AsyncSmtpTransport<Tokio1Executor>>>,
    from: Mailbox,
    /// The web UI's base URL, for links.
    pub public_url: String,
}

/// A mail about to go out, before the phrase and footer are added.
pub struct Outgoing<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    /// Plain text paragraphs.
    pub body: &'a str,
    pub anti_phishing_phrase: Option<&'a str>,
}

impl Mailer {
    /// From the settings; a URL lettre cannot read or a bad MAIL_FROM stops the start.
    pub fn from_settings(settings: &pupero_config::Settings) -> anyhow::Result<Self> {
        let transport = match settings.smtp_transport_url() {
            Some(url) => Some(Arc::new(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL/SMTP_HOST cannot be used: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            )),
            None => None,
        };
        let from = settings
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM is not an address: {e}"))?;
        Ok(Self {
            transport,
            from,
            public_url: settings.public_base_url(),
        })
    }

    pub fn is_configured(&self) -> bool {
        self.transport.is_some()
    }

    /// A link into the web UI.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    pub async fn send(&self, mail: Outgoing<'_>) -> Result<(), MailError> {
        let transport = self.transport.as_ref().ok_or(MailError::NotConfigured)?;
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(compose(mail.body, mail.anti_phishing_phrase))
            .map_err(|e| MailError::Build(e.to_string()))?;
        transport.send(message).await?;
        Ok(())
    }
}

/// Every mail's text: the phrase first, so a user sees at a glance whether a mail is ours
/// (a phisher does not know it), then the body, then why they get it.
pub fn compose(body: &str, anti_phishing_phrase: Option<&str>) -> String {
    let phrase = match anti_phishing_phrase {
        Some(p) => format!("Your anti-phishing phrase: {p}\n\n"),
        None => "You have not set an anti-phishing phrase: set one in your account settings, \
                 and every mail from us will show it here.\n\n"
            .to_owned(),
    };
    format!(
        "{phrase}{body}\n\n--\nPupero. We never ask for your password or 2FA codes by mail. \
         Check the address bar before you sign in.\n"
    )
}

/// A new single-use link token (256 random bits, base64url) and the hash that is stored.
pub fn new_token() -> (String, String) {
    use rand::RngCore;
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = URL_SAFE_NO_PAD.encode(raw);
    let hash = token_hash(&token);
    (token, hash)
}

/// What is stored of a token: its SHA-256 (enough for 256 random bits; a leaked table
/// gives no working links).
pub fn token_hash(token: &str) -> String {
    pupero_db::seal::sha256_hex(token.trim().as_bytes())
}

/// The subject of a notification mail.
pub fn subject(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::TradeOpened => "A trade was opened on your offer",
        NotificationKind::TradePaid => "Your buyer marked the trade as paid",
        NotificationKind::TradeReleased => "XMR released to you",
        NotificationKind::TradeCancelled => "A trade was cancelled",
        NotificationKind::TradeExpiring => "A trade's payment window closes soon",
        NotificationKind::DisputeOpened => "A dispute was opened",
        NotificationKind::DisputeResolved => "A dispute was decided",
        NotificationKind::MessageReceived => "New message in a trade",
        NotificationKind::DepositCredited => "Deposit credited",
        NotificationKind::WithdrawalSent => "Withdrawal sent",
    }
}

/// The kinds mailed when the user has made no choice.
pub fn default_events() -> Vec<NotificationKind> {
    NotificationKind::ALL
        .iter()
        .copied()
        .filter(|k| k.emailed_by_default())
        .collect()
}

/// The kinds stored in `mail_settings.email_events` (unknown words are dropped).
pub fn parse_events(stored: Option<&str>) -> Vec<NotificationKind> {
    match stored {
        None => default_events(),
        Some(text) => text.split(',').filter_map(|k| k.parse().ok()).collect(),
    }
}

pub fn events_text(events: &[NotificationKind]) -> String {
    let mut events = events.to_vec();
    events.sort();
    events.dedup();
    events
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mail_starts_with_the_phrase() {
        let text = compose("Hello.", Some("blue giraffe"));
        assert!(
            text.starts_with("Your anti-phishing phrase: blue giraffe\n"),
            "{text}"
        );
        assert!(text.contains("Hello."));
        assert!(compose("Hello.", None).contains("not set an anti-phishing phrase"));
    }

    #[test]
    fn a_token_matches_only_its_own_hash() {
        let (token, hash) = new_token();
        assert_eq!(token.len(), 43);
        assert_eq!(token_hash(&token), hash);
        let (other, _) = new_token();
        assert_ne!(token_hash(&other), hash);
    }

    #[test]
    fn chat_is_not_mailed_by_default() {
        let defaults = default_events();
        assert!(!defaults.contains(&NotificationKind::MessageReceived));
        assert!(defaults.contains(&NotificationKind::TradePaid));
        assert_eq!(parse_events(Some("")), []);
        assert_eq!(
            parse_events(Some(&events_text(&[NotificationKind::TradePaid]))),
            [NotificationKind::TradePaid]
        );
    }
}
