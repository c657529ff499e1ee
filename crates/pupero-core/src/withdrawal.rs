//! The withdrawal lifecycle, as a table. The ledger (transactions) applies it with guarded
//! updates, the wallet's worker drives it, the UI shows it.
//!
//! ```text
//! queued ─claim→ signing ─signed→ signed ─relayed→ relayed ─confirmed→ confirmed
//!   │ │            │  └─release→ queued (transient: e.g. funds still locked)
//!   │ └────────────┴─failed→ failed   (permanent, before anything was signed: refunded)
//!   └─cancel (the user)→ cancelled    (refunded)
//! ```
//! `signing` may also be claimed again once its lease has run out (a worker died): the
//! lease is a time, so the store checks it; the table only says the claim is allowed.

crate::string_enum! {
    /// Where a withdrawal is. Stored as text in `withdrawals.status`.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum WithdrawalStatus ("withdrawal status") {
        /// Reserved (`available → withdrawing`), waiting for a worker.
        Queued = "queued",
        /// A worker holds a lease and is building the transaction.
        Signing = "signing",
        /// Built and recorded, not yet relayed.
        Signed = "signed",
        /// Relayed to the network; the money has left the ledger.
        Relayed = "relayed",
        /// Ten confirmations deep.
        Confirmed = "confirmed",
        /// Refused before anything was signed; refunded.
        Failed = "failed",
        /// Cancelled by its owner while queued; refunded.
        Cancelled = "cancelled",
    }
}

crate::string_enum! {
    /// What a worker (or the owner) reports about a withdrawal. The wallet's progress route
    /// names the step in its path with these spellings.
    pub enum WithdrawalEvent ("withdrawal step") {
        Claim = "claim",
        Signed = "signed",
        /// Give the claim back (a transient refusal); tried again later.
        Release = "release",
        Relayed = "relayed",
        Failed = "failed",
        Cancel = "cancel",
        Confirmed = "confirmed",
    }
}

/// What an event does to a withdrawal in a given status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalStep {
    /// Change to this status (with a guard on the current one).
    To(WithdrawalStatus),
    /// The event already happened: answer as before and change nothing.
    AlreadyDone,
    /// Not in this status (a 409 for whoever asked).
    Refused,
}

impl WithdrawalStatus {
    /// The one table of the lifecycle.
    pub fn step(self, event: WithdrawalEvent) -> WithdrawalStep {
        use WithdrawalEvent as E;
        use WithdrawalStatus as S;
        use WithdrawalStep::{AlreadyDone, Refused, To};
        match (event, self) {
            (E::Claim, S::Queued | S::Signing) => To(S::Signing),
            (E::Signed, S::Signing) => To(S::Signed),
            // Whether a repeat carries the same hashes is the caller's check.
            (E::Signed, S::Signed | S::Relayed | S::Confirmed) => AlreadyDone,
            (E::Release, S::Signing) => To(S::Queued),
            (E::Release, S::Queued) => AlreadyDone,
            (E::Relayed, S::Signing | S::Signed) => To(S::Relayed),
            (E::Relayed, S::Relayed | S::Confirmed) => AlreadyDone,
            (E::Failed, S::Queued | S::Signing) => To(S::Failed),
            (E::Failed, S::Failed) => AlreadyDone,
            (E::Cancel, S::Queued) => To(S::Cancelled),
            (E::Cancel, S::Cancelled) => AlreadyDone,
            (E::Confirmed, S::Relayed) => To(S::Confirmed),
            (E::Confirmed, S::Confirmed) => AlreadyDone,
            _ => Refused,
        }
    }

    /// The statuses `event` moves a withdrawal out of: the guard of its update.
    pub fn sources(event: WithdrawalEvent) -> Vec<WithdrawalStatus> {
        Self::ALL
            .iter()
            .copied()
            .filter(|s| matches!(s.step(event), WithdrawalStep::To(_)))
            .collect()
    }

    /// Money is still the user's (`withdrawing`): nothing has left the ledger yet.
    pub fn is_reserved(self) -> bool {
        matches!(
            self,
            WithdrawalStatus::Queued | WithdrawalStatus::Signing | WithdrawalStatus::Signed
        )
    }

    /// No event moves it again.
    pub fn is_final(self) -> bool {
        WithdrawalEvent::ALL
            .iter()
            .all(|e| !matches!(self.step(*e), WithdrawalStep::To(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use WithdrawalStatus as S;

    #[test]
    fn the_diagram_is_the_table() {
        let moves: Vec<(S, WithdrawalEvent, S)> = S::ALL
            .iter()
            .flat_map(|s| {
                WithdrawalEvent::ALL
                    .iter()
                    .filter_map(move |e| match s.step(*e) {
                        WithdrawalStep::To(next) => Some((*s, *e, next)),
                        _ => None,
                    })
            })
            .collect();
        use WithdrawalEvent as E;
        assert_eq!(
            moves,
            vec![
                (S::Queued, E::Claim, S::Signing),
                (S::Queued, E::Failed, S::Failed),
                (S::Queued, E::Cancel, S::Cancelled),
                (S::Signing, E::Claim, S::Signing),
                (S::Signing, E::Signed, S::Signed),
                (S::Signing, E::Release, S::Queued),
                (S::Signing, E::Relayed, S::Relayed),
                (S::Signing, E::Failed, S::Failed),
                (S::Signed, E::Relayed, S::Relayed),
                (S::Relayed, E::Confirmed, S::Confirmed),
            ]
        );
    }

    #[test]
    fn once_signed_nothing_refunds() {
        for s in [S::Signed, S::Relayed, S::Confirmed] {
            assert_ne!(
                s.step(WithdrawalEvent::Failed),
                WithdrawalStep::To(S::Failed)
            );
            assert_ne!(
                s.step(WithdrawalEvent::Cancel),
                WithdrawalStep::To(S::Cancelled)
            );
        }
    }

    #[test]
    fn every_event_repeats_harmlessly_where_it_leads() {
        for s in S::ALL {
            for e in WithdrawalEvent::ALL {
                if let WithdrawalStep::To(next) = s.step(*e)
                    && next != *s
                    && *e != WithdrawalEvent::Claim
                {
                    assert_eq!(next.step(*e), WithdrawalStep::AlreadyDone, "{s} {e}");
                }
            }
        }
    }

    #[test]
    fn final_states() {
        let finals: Vec<S> = S::ALL.iter().copied().filter(|s| s.is_final()).collect();
        assert_eq!(finals, vec![S::Confirmed, S::Failed, S::Cancelled]);
        assert_eq!(
            S::sources(WithdrawalEvent::Relayed),
            vec![S::Signing, S::Signed]
        );
    }
}
