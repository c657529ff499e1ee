//! The words of moderation: what can be reported, why, what a sanction does, and how an
//! appeal ends.

crate::string_enum! {
    /// What a report is about.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum ReportTarget ("report target") {
        User = "user",
        Offer = "offer",
        Trade = "trade",
        Message = "message",
    }
}

crate::string_enum! {
    /// Why something is reported.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum ReportCategory ("report category") {
        Scam = "scam",
        PaymentFraud = "payment_fraud",
        Harassment = "harassment",
        Spam = "spam",
        Illegal = "illegal",
        Other = "other",
    }
}

crate::string_enum! {
    /// Where a case (the reports of one target, merged) stands.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum CaseStatus ("case status") {
        /// Waiting for a moderator.
        Open = "open",
        /// A moderator took it.
        Claimed = "claimed",
        /// Decided; a new report of the same target opens a new case.
        Resolved = "resolved",
    }
}

crate::string_enum! {
    /// How a case was decided.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum CaseResolution ("case resolution") {
        /// The reports were right and something was done (a sanction, an offer removed).
        Actioned = "actioned",
        /// Nothing against the rules.
        Dismissed = "dismissed",
    }
}

crate::string_enum! {
    /// What a sanction does to an account while it is in force.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum SanctionKind ("sanction kind") {
        /// On the record only; blocks nothing.
        Warn = "warn",
        /// No trade chat.
        Mute = "mute",
        /// No new offers or trades; trades already open run to their end.
        TradeBan = "trade_ban",
        /// Withdrawals wait (admins only impose it).
        WithdrawalHold = "withdrawal_hold",
        /// No sign-in and no action with a leftover token until it ends.
        Suspend = "suspend",
        /// Like a suspension, usually without an end, and the account's offers leave the
        /// listing.
        Ban = "ban",
    }
}

crate::string_enum! {
    /// Something a sanction can forbid, checked by the service that owns it.
    pub enum Privilege ("privilege") {
        /// Acting at all: signing in, and any write with a token.
        Act = "act",
        /// Posting to a trade's chat.
        Chat = "chat",
        /// Opening offers and trades.
        Trade = "trade",
        /// Asking for a withdrawal.
        Withdraw = "withdraw",
    }
}

impl SanctionKind {
    /// Whether this sanction, while in force, takes `privilege` away.
    pub fn forbids(self, privilege: Privilege) -> bool {
        match self {
            SanctionKind::Warn => false,
            SanctionKind::Suspend | SanctionKind::Ban => true,
            SanctionKind::Mute => privilege == Privilege::Chat,
            SanctionKind::TradeBan => privilege == Privilege::Trade,
            SanctionKind::WithdrawalHold => privilege == Privilege::Withdraw,
        }
    }

    /// Whether the account's offers leave the listing while it is in force.
    pub fn hides_offers(self) -> bool {
        matches!(self, SanctionKind::TradeBan | SanctionKind::Ban)
    }
}

crate::string_enum! {
    /// A moderator's answer to an appeal.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum AppealDecision ("appeal decision") {
        /// The sanction stays.
        Uphold = "uphold",
        /// The sanction ends now.
        Lift = "lift",
    }
}

crate::string_enum! {
    /// Where an appeal stands.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum AppealStatus ("appeal status") {
        Pending = "pending",
        Upheld = "upheld",
        Lifted = "lifted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_forbids_only_its_own_privileges() {
        use Privilege::*;
        let forbidden = |k: SanctionKind| {
            Privilege::ALL
                .iter()
                .copied()
                .filter(|p| k.forbids(*p))
                .collect::<Vec<_>>()
        };
        assert_eq!(forbidden(SanctionKind::Warn), vec![]);
        assert_eq!(forbidden(SanctionKind::Mute), vec![Chat]);
        assert_eq!(forbidden(SanctionKind::TradeBan), vec![Trade]);
        assert_eq!(forbidden(SanctionKind::WithdrawalHold), vec![Withdraw]);
        assert_eq!(forbidden(SanctionKind::Suspend), Privilege::ALL.to_vec());
        assert_eq!(forbidden(SanctionKind::Ban), Privilege::ALL.to_vec());
    }
}
