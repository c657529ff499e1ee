//! Who a user is: email, username, password policy and role.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why an identity field was refused; each names the field and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("email is not a valid address")]
    InvalidEmail,
    #[error("username must be 3 to 32 characters of letters, digits, '_', '-' or '.'")]
    InvalidUsername,
    #[error("password must be at least {min} characters", min = Password::MIN_LEN)]
    PasswordTooShort,
    #[error("password must be at most {max} characters", max = Password::MAX_LEN)]
    PasswordTooLong,
    #[error("password must not be the same as the username or email")]
    PasswordMatchesIdentity,
    #[error("role must be one of user, moderator, admin")]
    InvalidRole,
}

impl IdentityError {
    /// The request field the error is about, for machine-readable error bodies.
    pub fn field(&self) -> &'static str {
        match self {
            Self::InvalidEmail => "email",
            Self::InvalidUsername => "username",
            Self::PasswordTooShort | Self::PasswordTooLong | Self::PasswordMatchesIdentity => {
                "password"
            }
            Self::InvalidRole => "role",
        }
    }
}

/// An email address as the user typed it, trimmed. Uniqueness is decided on
/// [`Email::normalized`], so `Bob@Example.com` and `bob@example.com` are one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let s = raw.trim();
        let (local, domain) = s.split_once('@').ok_or(IdentityError::InvalidEmail)?;
        let well_formed = s.len() <= Self::MAX_LEN
            && !local.is_empty()
            && local.len() <= 64
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && s.chars().all(|c| !c.is_whitespace() && !c.is_control())
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if well_formed {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdentityError::InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key used for uniqueness and lookup.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A public handle: 3–32 ASCII letters, digits, `_`, `-`, `.`; unique case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let s = raw.trim();
        let ok = (3..=32).contains(&s.len())
            && s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            // An '@' can never appear, so a login identifier with '@' is always an email.
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdentityError::InvalidUsername)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn normalized(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the policy. Existing passwords are checked against their
/// hash and never go through this type.
pub struct Password(String);

impl Password {
    /// ASVS 2.1.1 (level 2) asks for at least 12.
    pub const MIN_LEN: usize = 12;
    /// Bounded so a megabyte "password" cannot make hashing a denial of service.
    pub const MAX_LEN: usize = 128;

    pub fn parse_new(raw: &str, username: &Username, email: &Email) -> Result<Self, IdentityError> {
        let len = raw.chars().count();
        if len < Self::MIN_LEN {
            return Err(IdentityError::PasswordTooShort);
        }
        if len > Self::MAX_LEN {
            return Err(IdentityError::PasswordTooLong);
        }
        let lowered = raw.to_lowercase();
        if lowered == username.normalized() || lowered == email.normalized() {
            return Err(IdentityError::PasswordMatchesIdentity);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What a user may do. Only an admin changes roles, and never their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Moderator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::User, Role::Moderator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    /// Moderators and admins may act on disputes; admins on everything.
    pub fn is_at_least(self, other: Role) -> bool {
        self >= other
    }
}

impl FromStr for Role {
    type Err = IdentityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "user" => Ok(Role::User),
            "moderator" => Ok(Role::Moderator),
            "admin" => Ok(Role::Admin),
            _ => Err(IdentityError::InvalidRole),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_normalised() {
        let e = Email::parse("  Bob@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "Bob@Example.COM");
        assert_eq!(e.normalized(), "bob@example.com");
        for bad in [
            "",
            "bob",
            "bob@",
            "@x.io",
            "bob@localhost",
            "a b@x.io",
            "a@b@x.io",
            "a@x..io",
            "a@.x.io",
        ] {
            assert_eq!(Email::parse(bad), Err(IdentityError::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn usernames_are_bounded_and_plain() {
        assert!(Username::parse("alice_01").is_ok());
        for bad in [
            "ab",
            "a".repeat(33).as_str(),
            "al ice",
            "al@ice",
            "_alice",
            "ålice",
        ] {
            assert_eq!(
                Username::parse(bad),
                Err(IdentityError::InvalidUsername),
                "{bad}"
            );
        }
    }

    #[test]
    fn password_policy() {
        let u = Username::parse("alice").unwrap();
        let e = Email::parse("alice@example.com").unwrap();
        assert_eq!(
            Password::parse_new("short", &u, &e).err(),
            Some(IdentityError::PasswordTooShort)
        );
        assert_eq!(
            Password::parse_new(&"x".repeat(129), &u, &e).err(),
            Some(IdentityError::PasswordTooLong)
        );
        assert_eq!(
            Password::parse_new("ALICE@example.com", &u, &e).err(),
            Some(IdentityError::PasswordMatchesIdentity)
        );
        assert_eq!(
            Password::parse_new("elevenchars", &u, &e).err(),
            Some(IdentityError::PasswordTooShort),
            "ASVS 2.1.1: 11 characters are too few"
        );
        assert!(Password::parse_new("twelve chars", &u, &e).is_ok());
        assert!(Password::parse_new("correct horse battery", &u, &e).is_ok());
    }

    #[test]
    fn roles_order_by_authority() {
        assert!(Role::Admin.is_at_least(Role::Moderator));
        assert!(!Role::User.is_at_least(Role::Moderator));
        assert_eq!("admin".parse::<Role>(), Ok(Role::Admin));
        assert!("root".parse::<Role>().is_err());
    }
}

crate::string_enum! {
    /// What an audit-chain record is about (`<chain>_audit_records.action`): a staff
    /// member's action, or a money movement the ledger made.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum AuditAction ("audit action") {
        /// An admin changed a role.
        SetRole = "set_role",
        /// An admin disabled or enabled an account.
        SetDisabled = "set_disabled",
        /// An admin ended every session of an account.
        ForceLogout = "force_logout",
        /// An admin credited or debited a balance.
        Adjust = "adjust",
        /// An admin moved money between two users.
        Transfer = "transfer",
        /// A moderator decided a dispute for the buyer (the trade action's own word).
        ResolveForBuyer = "resolve-buyer",
        /// A moderator decided a dispute for the seller.
        ResolveForSeller = "resolve-seller",
        /// A moderator took a report case.
        ClaimCase = "claim-case",
        /// A moderator decided a report case.
        ResolveCase = "resolve-case",
        /// A moderator wrote a private note on a case.
        AddNote = "add-note",
        /// A moderator or admin sanctioned an account.
        Sanction = "sanction",
        /// A sanction was lifted before its end.
        LiftSanction = "lift-sanction",
        /// A moderator decided an appeal.
        DecideAppeal = "decide-appeal",
        /// Staff removed an offer.
        RemoveOffer = "remove-offer",
        /// An admin had the wallet send a queued withdrawal at once, before its worker's
        /// next pass (the money it moves is on the chain as ledger entries).
        ExecuteWithdrawal = "execute-withdrawal",

        /// A moderator split a disputed escrow between buyer and seller.
        ResolveSplit = "resolve-split",
        /// The ledger posted a journal entry (every movement of money, by anyone).
        LedgerEntry = "ledger_entry",
    }
}

impl AuditAction {
    /// The action in words, for the admin audit page.
    pub const fn label(self) -> &'static str {
        match self {
            AuditAction::SetRole => "Changed a role",
            AuditAction::SetDisabled => "Disabled or enabled an account",
            AuditAction::ForceLogout => "Ended every session of an account",
            AuditAction::Adjust => "Adjusted a balance",
            AuditAction::Transfer => "Moved money between users",
            AuditAction::ResolveForBuyer => "Decided a dispute for the buyer",
            AuditAction::ResolveForSeller => "Decided a dispute for the seller",
            AuditAction::ClaimCase => "Claimed a report case",
            AuditAction::ResolveCase => "Decided a report case",
            AuditAction::AddNote => "Wrote a note on a case",
            AuditAction::Sanction => "Sanctioned an account",
            AuditAction::LiftSanction => "Lifted a sanction",
            AuditAction::DecideAppeal => "Decided an appeal",
            AuditAction::RemoveOffer => "Removed an offer",
            AuditAction::ExecuteWithdrawal => "Sent a queued withdrawal at once",
            AuditAction::ResolveSplit => "Split a disputed escrow",
            AuditAction::LedgerEntry => "Posted a ledger entry",
        }
    }
}
