//! The trade state machine: the one table of who may do what in which state, and what
//! each step does to the escrowed money. The API, the UI and the tests all read it.
//!
//! ```text
//! open (taker)                                   seller available → escrow   AWAITING_PAYMENT
//! AWAITING_PAYMENT ─ buyer: mark paid ─────────────────────────────────────> PAID
//! AWAITING_PAYMENT ─ buyer: cancel / deadline passes (system) ─────────────> CANCELLED   escrow → seller
//! PAID ─ seller: release ──────────────────────────────────────────────────> COMPLETED   escrow → buyer (− fee)
//! PAID ─ buyer or seller: dispute ─────────────────────────────────────────> DISPUTED
//! AWAITING_PAYMENT | PAID ─ both parties: mutual cancel ───────────────────> CANCELLED   escrow → seller
//! DISPUTED ─ moderator: resolve for buyer ─────────────────────────────────> COMPLETED   escrow → buyer (− fee)
//! DISPUTED ─ moderator: resolve for seller ────────────────────────────────> CANCELLED   escrow → seller
//! DISPUTED ─ moderator: resolve split ──────────────────────────────────────> COMPLETED   escrow → both (see dispute.rs)
//! ```

crate::string_enum! {
    /// Where a trade is (`trades.state`).
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum TradeState ("trade state") {
        AwaitingPayment = "awaiting_payment",
        Paid = "paid",
        Completed = "completed",
        Cancelled = "cancelled",
        Disputed = "disputed",
    }
}

impl TradeState {
    /// The states in which a trade holds escrow and may still move.
    pub const OPEN: [TradeState; 3] = [
        TradeState::AwaitingPayment,
        TradeState::Paid,
        TradeState::Disputed,
    ];

    /// Completed and cancelled trades never change again.
    pub fn is_final(self) -> bool {
        matches!(self, TradeState::Completed | TradeState::Cancelled)
    }

    /// Money is in escrow in every state that is not final.
    pub fn holds_escrow(self) -> bool {
        !self.is_final()
    }
}

crate::string_enum! {
    /// Why a trade ended cancelled (`trades.cancel_reason`).
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum CancelReason ("cancel reason") {
        /// The buyer withdrew before paying.
        BuyerCancelled = "buyer_cancelled",
        /// The payment window passed.
        Expired = "expired",
        /// Both parties agreed.
        Mutual = "mutual",
        /// A moderator decided the dispute for the seller.
        Dispute = "dispute",
    }
}

crate::string_enum! {
    /// Whom a moderator decided a dispute for (`trades.resolution`, and the `outcome` a
    /// moderator sends).
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum Resolution ("dispute outcome") {
        /// The escrow goes to the buyer.
        Buyer = "buyer",
        /// The escrow goes back to the seller.
        Seller = "seller",
        /// The escrow is divided: a share to the buyer, the rest to the seller.
        Split = "split",
    }
}

crate::string_enum! {
    /// A step someone asks for. The spelling is the last segment of its route
    /// (`POST /trades/{id}/paid`) and what `allowed_actions` lists.
    pub enum Action ("trade action") {
        MarkPaid = "paid",
        Release = "release",
        Cancel = "cancel",
        Dispute = "dispute",
        MutualCancel = "mutual-cancel",
        Expire = "expire",
        ResolveForBuyer = "resolve-buyer",
        ResolveForSeller = "resolve-seller",
        ResolveSplit = "resolve-split",
    }
}

/// The caller's part in this trade. Someone who is none of these has no part at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    Buyer,
    Seller,
    /// A moderator or admin, acting on a dispute.
    Moderator,
    /// The platform itself (the expiry worker).
    System,
}

/// What a step does to the escrowed amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// The money stays in escrow.
    Hold,
    /// Escrow goes back to the seller's available balance.
    ReturnToSeller,
    /// Escrow goes to the buyer, minus the platform fee.
    PayBuyer,
    /// Escrow is divided by the moderator's share (`dispute::split_escrow`).
    Split,
}

/// The facts of a trade the rules depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradeFacts {
    pub state: TradeState,
    pub buyer_wants_cancel: bool,
    pub seller_wants_cancel: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Move to `next` with this settlement.
    Move {
        next: TradeState,
        settlement: Settlement,
    },
    /// Record the actor's wish to cancel; the other party has not agreed yet.
    VoteCancel,
    /// Already done: repeating the step changes nothing and answers the same.
    AlreadyDone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("only {allowed} may do this")]
    NotYourStep { allowed: &'static str },
    #[error("not possible while the trade is {state}", state = .0.as_str())]
    WrongState(TradeState),
}

impl TradeFacts {
    /// The facts once `step` (taken by `actor`) is applied. A move to another state clears
    /// both cancel votes: a vote was cast for the trade as it was, and must not carry over,
    /// e.g. a buyer's vote from before paying must not let the seller cancel after the fiat
    /// was sent (issue 9 item 6).
    pub fn after(self, step: Step, actor: Actor) -> TradeFacts {
        match step {
            Step::Move { next, .. } => TradeFacts {
                state: next,
                buyer_wants_cancel: false,
                seller_wants_cancel: false,
            },
            Step::VoteCancel => TradeFacts {
                buyer_wants_cancel: self.buyer_wants_cancel || actor == Actor::Buyer,
                seller_wants_cancel: self.seller_wants_cancel || actor == Actor::Seller,
                ..self
            },
            Step::AlreadyDone => self,
        }
    }
}

/// The single source of truth: what `action` by `actor` does to a trade in `facts`.
pub fn step(facts: TradeFacts, action: Action, actor: Actor) -> Result<Step, Refusal> {
    use Action::*;
    use Actor::*;
    use TradeState::*;
    let who = |allowed: &[Actor], label: &'static str| {
        if allowed.contains(&actor) {
            Ok(())
        } else {
            Err(Refusal::NotYourStep { allowed: label })
        }
    };
    let state = facts.state;
    let moved = |next, settlement| Ok(Step::Move { next, settlement });
    match action {
        MarkPaid => {
            who(&[Buyer], "the buyer")?;
            match state {
                AwaitingPayment => moved(Paid, Settlement::Hold),
                Paid => Ok(Step::AlreadyDone),
                s => Err(Refusal::WrongState(s)),
            }
        }
        Release => {
            who(&[Seller], "the seller")?;
            match state {
                Paid => moved(Completed, Settlement::PayBuyer),
                Completed => Ok(Step::AlreadyDone),
                s => Err(Refusal::WrongState(s)),
            }
        }
        Cancel => {
            who(&[Buyer], "the buyer")?;
            match state {
                AwaitingPayment => moved(Cancelled, Settlement::ReturnToSeller),
                Cancelled => Ok(Step::AlreadyDone),
                s => Err(Refusal::WrongState(s)),
            }
        }
        Expire => {
            who(&[System], "the platform")?;
            match state {
                AwaitingPayment => moved(Cancelled, Settlement::ReturnToSeller),
                Cancelled => Ok(Step::AlreadyDone),
                s => Err(Refusal::WrongState(s)),
            }
        }
        Dispute => {
            who(&[Buyer, Seller], "a party to the trade")?;
            match state {
                Paid => moved(Disputed, Settlement::Hold),
                Disputed => Ok(Step::AlreadyDone),
                s => Err(Refusal::WrongState(s)),
            }
        }
        MutualCancel => {
            who(&[Buyer, Seller], "a party to the trade")?;
            let (mine, theirs) = if actor == Buyer {
                (facts.buyer_wants_cancel, facts.seller_wants_cancel)
            } else {
                (facts.seller_wants_cancel, facts.buyer_wants_cancel)
            };
            match state {
                AwaitingPayment | Paid if theirs => moved(Cancelled, Settlement::ReturnToSeller),
                AwaitingPayment | Paid if mine => Ok(Step::AlreadyDone),
                AwaitingPayment | Paid => Ok(Step::VoteCancel),
                Cancelled if mine => Ok(Step::AlreadyDone),
                s => Err(Refusal::WrongState(s)),
            }
        }
        ResolveForBuyer | ResolveForSeller => {
            who(&[Moderator], "a moderator")?;
            let (next, settlement) = if action == ResolveForBuyer {
                (Completed, Settlement::PayBuyer)
            } else {
                (Cancelled, Settlement::ReturnToSeller)
            };
            match state {
                Disputed => moved(next, settlement),
                s => Err(Refusal::WrongState(s)),
            }
        }
        ResolveSplit => {
            who(&[Moderator], "a moderator")?;
            match state {
                Disputed => moved(Completed, Settlement::Split),
                s => Err(Refusal::WrongState(s)),
            }
        }
    }
}

/// The actions that would change something for `actor` now, for `allowed_actions`.
pub fn allowed_actions(facts: TradeFacts, actor: Actor) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| *a != Action::Expire)
        .filter(|a| {
            matches!(
                step(facts, *a, actor),
                Ok(Step::Move { .. } | Step::VoteCancel)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn facts(state: TradeState) -> TradeFacts {
        TradeFacts {
            state,
            buyer_wants_cancel: false,
            seller_wants_cancel: false,
        }
    }

    #[test]
    fn the_happy_path() {
        let s = step(
            facts(TradeState::AwaitingPayment),
            Action::MarkPaid,
            Actor::Buyer,
        )
        .unwrap();
        assert_eq!(
            s,
            Step::Move {
                next: TradeState::Paid,
                settlement: Settlement::Hold
            }
        );
        let s = step(facts(TradeState::Paid), Action::Release, Actor::Seller).unwrap();
        assert_eq!(
            s,
            Step::Move {
                next: TradeState::Completed,
                settlement: Settlement::PayBuyer
            }
        );
    }

    #[test]
    fn only_the_right_party_acts() {
        assert!(
            step(
                facts(TradeState::AwaitingPayment),
                Action::MarkPaid,
                Actor::Seller
            )
            .is_err()
        );
        assert!(step(facts(TradeState::Paid), Action::Release, Actor::Buyer).is_err());
        assert!(step(facts(TradeState::Paid), Action::Release, Actor::Moderator).is_err());
        assert!(
            step(
                facts(TradeState::AwaitingPayment),
                Action::Cancel,
                Actor::Seller
            )
            .is_err()
        );
        assert!(
            step(
                facts(TradeState::Disputed),
                Action::ResolveForBuyer,
                Actor::Buyer
            )
            .is_err()
        );
        assert!(
            step(
                facts(TradeState::AwaitingPayment),
                Action::Expire,
                Actor::Buyer
            )
            .is_err()
        );
    }

    #[test]
    fn a_paid_trade_cannot_be_cancelled_by_the_buyer_alone() {
        assert_eq!(
            step(facts(TradeState::Paid), Action::Cancel, Actor::Buyer),
            Err(Refusal::WrongState(TradeState::Paid))
        );
    }

    #[test]
    fn mutual_cancel_needs_both() {
        let f = facts(TradeState::Paid);
        assert_eq!(
            step(f, Action::MutualCancel, Actor::Buyer),
            Ok(Step::VoteCancel)
        );
        let voted = TradeFacts {
            buyer_wants_cancel: true,
            ..f
        };
        assert_eq!(
            step(voted, Action::MutualCancel, Actor::Buyer),
            Ok(Step::AlreadyDone)
        );
        assert_eq!(
            step(voted, Action::MutualCancel, Actor::Seller),
            Ok(Step::Move {
                next: TradeState::Cancelled,
                settlement: Settlement::ReturnToSeller
            })
        );
        assert!(!allowed_actions(voted, Actor::Buyer).contains(&Action::MutualCancel));
    }

    #[test]
    fn a_vote_cast_before_paying_does_not_survive_paid() {
        let f = facts(TradeState::AwaitingPayment);
        let s = step(f, Action::MutualCancel, Actor::Buyer).unwrap();
        let voted = f.after(s, Actor::Buyer);
        assert!(voted.buyer_wants_cancel);
        let s = step(voted, Action::MarkPaid, Actor::Buyer).unwrap();
        let paid = voted.after(s, Actor::Buyer);
        assert_eq!(paid.state, TradeState::Paid);
        assert!(!paid.buyer_wants_cancel && !paid.seller_wants_cancel);
        // The seller's cancel is only a vote now, and the buyer may still dispute.
        assert_eq!(
            step(paid, Action::MutualCancel, Actor::Seller),
            Ok(Step::VoteCancel)
        );
        assert!(allowed_actions(paid, Actor::Buyer).contains(&Action::Dispute));
    }

    #[test]
    fn allowed_actions_per_party() {
        use Action::*;
        let a = |s, actor| allowed_actions(facts(s), actor);
        assert_eq!(
            a(TradeState::AwaitingPayment, Actor::Buyer),
            vec![MarkPaid, Cancel, MutualCancel]
        );
        assert_eq!(
            a(TradeState::AwaitingPayment, Actor::Seller),
            vec![MutualCancel]
        );
        assert_eq!(
            a(TradeState::Paid, Actor::Seller),
            vec![Release, Dispute, MutualCancel]
        );
        assert_eq!(
            a(TradeState::Paid, Actor::Buyer),
            vec![Dispute, MutualCancel]
        );
        assert_eq!(
            a(TradeState::Disputed, Actor::Moderator),
            vec![ResolveForBuyer, ResolveForSeller, ResolveSplit]
        );
        assert!(a(TradeState::Completed, Actor::Seller).is_empty());
        assert!(a(TradeState::Cancelled, Actor::Buyer).is_empty());
        assert!(a(TradeState::Paid, Actor::Moderator).is_empty());
    }

    fn any_action() -> impl Strategy<Value = Action> {
        proptest::sample::select(Action::ALL.to_vec())
    }

    fn any_actor() -> impl Strategy<Value = Actor> {
        proptest::sample::select(vec![
            Actor::Buyer,
            Actor::Seller,
            Actor::Moderator,
            Actor::System,
        ])
    }

    fn any_facts() -> impl Strategy<Value = TradeFacts> {
        (
            proptest::sample::select(TradeState::ALL.to_vec()),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(state, buyer_wants_cancel, seller_wants_cancel)| TradeFacts {
                    state,
                    buyer_wants_cancel,
                    seller_wants_cancel,
                },
            )
    }

    proptest! {
        /// Issue 9 item 6: whatever the votes were, a step that changes the state leaves no
        /// vote behind, so a vote never outlives the state it was cast in.
        #[test]
        fn no_cancel_vote_survives_a_change_of_state(f in any_facts(), action in any_action(), actor in any_actor()) {
            if let Ok(s) = step(f, action, actor) {
                let next = f.after(s, actor);
                if next.state != f.state {
                    prop_assert!(!next.buyer_wants_cancel && !next.seller_wants_cancel, "{f:?} {action:?} {actor:?} -> {next:?}");
                }
            }
        }

        /// Over any sequence of attempts: escrow is settled exactly once, final states never
        /// change, and a settled trade settled the way its final state says.
        #[test]
        fn escrow_is_settled_exactly_once(steps in proptest::collection::vec((any_action(), any_actor()), 0..40)) {
            let mut f = facts(TradeState::AwaitingPayment);
            let mut settlements = Vec::new();
            for (action, actor) in steps {
                let before = f;
                match step(f, action, actor) {
                    Ok(s @ Step::Move { next, settlement }) => {
                        prop_assert!(!before.state.is_final());
                        if settlement != Settlement::Hold {
                            settlements.push(settlement);
                            prop_assert!(next.is_final());
                        }
                        f = f.after(s, actor);
                    }
                    Ok(s @ Step::VoteCancel) => {
                        prop_assert!(!f.state.is_final());
                        f = f.after(s, actor);
                    }
                    Ok(Step::AlreadyDone) | Err(_) => prop_assert_eq!(f, before),
                }
            }
            prop_assert!(settlements.len() <= 1);
            match (f.state, settlements.first()) {
                // A split decision ends the trade as completed too: part to each side.
                (TradeState::Completed, s) => prop_assert!(
                    matches!(s, Some(Settlement::PayBuyer | Settlement::Split)),
                    "{s:?}"
                ),
                (TradeState::Cancelled, s) => prop_assert_eq!(s, Some(&Settlement::ReturnToSeller)),
                (_, s) => prop_assert_eq!(s, None),
            }
        }
    }
}
