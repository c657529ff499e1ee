//! Where a user's event stream (`GET /notifications/stream`) stands, so that an event whose
//! transaction commits after a newer one is still sent, once.
//!
//! Event ids are taken at insert, not at commit: a transaction may hold id 7 uncommitted
//! while id 8 commits and is read. So the stream reads every id (any user's, ids only) above
//! the highest it has seen, and notes each id it skipped over as a *gap*: an insert not yet
//! committed, or one that never will be (a rollback, a refused unique key, a sequence jump
//! — the database cannot tell us which). Gaps are read again at every poll until they
//! appear (sent if they are the user's) or are older than [`PATIENCE_MS`]; the gap's age
//! counts from the creation of the row just above it, which took its id after the gap did.
//!
//! The cursor is also the SSE `id:` of every event, so a stream resumed with
//! `Last-Event-ID` goes on from exactly there: the plain event id when nothing is pending
//! (the usual case), else `<high>~<gap>@<since ms>~…`. Nothing at or below `high` that
//! is not a gap is sent again.

use std::collections::BTreeMap;

/// How long a gap is waited for: far longer than any transaction that writes an event.
/// An event whose transaction stays open longer than this after taking its id is not
/// streamed (it is still in the inbox, and goes to webhooks and mail).
pub const PATIENCE_MS: i64 = 60_000;
/// The most gaps one stream waits for; past it the oldest (lowest) are given up. Many
/// writers at once, or many refused inserts within a minute, are the only way to reach it.
pub const MAX_GAPS: usize = 100;

/// One row as the stream's scan sees it: id, owner, creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub id: i64,
    pub user_id: i64,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Every row with an id up to this one has been seen (and sent, if the user's), except
    /// the gaps.
    pub high: i64,
    /// Ids below `high` not seen yet, each with the time (epoch ms) it was taken at the
    /// latest.
    pub gaps: BTreeMap<i64, i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Last-Event-ID must be an event id as the stream sent it")]
pub struct BadCursor;

impl Cursor {
    pub fn after(high: i64) -> Self {
        Self {
            high,
            gaps: BTreeMap::new(),
        }
    }

    /// Reads a cursor the stream sent (`Last-Event-ID`); a plain id resumes after it.
    /// Times in the future are taken as now, so a client cannot keep a gap open.
    pub fn parse(text: &str, now_ms: i64) -> Result<Self, BadCursor> {
        let mut parts = text.trim().split('~');
        let high: i64 = parts
            .next()
            .and_then(|h| h.parse().ok())
            .filter(|h| *h >= 0)
            .ok_or(BadCursor)?;
        let mut gaps = BTreeMap::new();
        for part in parts {
            let (id, since) = part.split_once('@').ok_or(BadCursor)?;
            let id: i64 = id.parse().map_err(|_| BadCursor)?;
            let since: i64 = since.parse().map_err(|_| BadCursor)?;
            if id < 1 || id >= high || since < 0 || gaps.insert(id, since.min(now_ms)).is_some() {
                return Err(BadCursor);
            }
        }
        // A resume point holds the gaps plus the events of one scan not yet sent.
        if gaps.len() > 2 * MAX_GAPS {
            return Err(BadCursor);
        }
        Ok(Self { high, gaps })
    }

    pub fn encode(&self) -> String {
        let mut text = self.high.to_string();
        for (id, since) in &self.gaps {
            text.push_str(&format!("~{id}@{since}"));
        }
        text
    }

    /// Takes in one scan: the rows (ascending ids) that fill gaps or lie above `high`.
    pub fn advance(&mut self, rows: &[Seen]) {
        for row in rows {
            if self.gaps.remove(&row.id).is_some() || row.id <= self.high {
                continue;
            }
            // Every id skipped over was taken before this row's; the highest are the
            // youngest, so those are the ones kept when there are too many.
            let skipped = row.id - self.high - 1;
            let first = row.id - skipped.min(i64::try_from(MAX_GAPS).unwrap_or(i64::MAX));
            for id in first..row.id {
                self.gaps.insert(id, row.created_at_ms);
            }
            self.high = row.id;
        }
    }

    /// Gives up the gaps older than [`PATIENCE_MS`], and the lowest past [`MAX_GAPS`].
    pub fn expire(&mut self, now_ms: i64) {
        self.gaps.retain(|_, since| now_ms - *since <= PATIENCE_MS);
        while self.gaps.len() > MAX_GAPS {
            self.gaps.pop_first();
        }
    }

    /// Where a client stands once it has `sent` (scanned from `before`, the cursor before
    /// this scan), while `still_to_send` (higher ids of the same scan) are not sent yet:
    /// resuming from it sends those and nothing else already sent.
    pub fn resume_point(
        &self,
        before: &Cursor,
        sent: i64,
        still_to_send: &[i64],
        now_ms: i64,
    ) -> Cursor {
        // Above the old high, everything the scan saw up to `sent` is settled; above
        // `sent`, the resumed stream scans again (gaps there are found again).
        let high = before.high.max(sent);
        let mut gaps: BTreeMap<i64, i64> = self
            .gaps
            .range(..high)
            .map(|(id, since)| (*id, *since))
            .collect();
        for id in still_to_send.iter().filter(|id| **id < high) {
            gaps.insert(*id, now_ms);
        }
        Cursor { high, gaps }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, user_id: i64, created_at_ms: i64) -> Seen {
        Seen {
            id,
            user_id,
            created_at_ms,
        }
    }

    #[test]
    fn a_skipped_id_is_a_gap_until_it_appears() {
        let mut c = Cursor::after(5);
        c.advance(&[row(6, 1, 100), row(8, 2, 200)]);
        assert_eq!(c.high, 8);
        assert_eq!(c.gaps, BTreeMap::from([(7, 200)]));
        // 7 commits later: the next scan (id > 8 or id in {7}) finds it; the gap closes.
        c.advance(&[row(7, 1, 150), row(9, 1, 300)]);
        assert_eq!(c, Cursor::after(9));
    }

    #[test]
    fn a_gap_is_given_up_a_minute_after_the_row_above_it() {
        let mut c = Cursor::after(0);
        c.advance(&[row(3, 1, 1_000)]);
        assert_eq!(c.gaps.len(), 2);
        c.expire(1_000 + PATIENCE_MS);
        assert_eq!(c.gaps.len(), 2);
        c.expire(1_001 + PATIENCE_MS);
        assert_eq!(c, Cursor::after(3));
    }

    #[test]
    fn a_jump_keeps_only_the_youngest_gaps() {
        let mut c = Cursor::after(0);
        c.advance(&[row(10_000, 1, 5)]);
        assert_eq!(c.gaps.len(), MAX_GAPS);
        assert_eq!(c.gaps.first_key_value(), Some((&(9_999 - 99), &5)));
        c.advance(&[row(10_050, 1, 6)]);
        c.expire(6);
        assert_eq!(c.gaps.len(), MAX_GAPS);
        assert_eq!(c.gaps.last_key_value(), Some((&10_049, &6)));
    }

    #[test]
    fn the_text_form_reads_back_and_bad_ones_are_refused() {
        let mut c = Cursor::after(40);
        c.gaps.insert(37, 1_700_000_000_000);
        c.gaps.insert(39, 1_700_000_000_500);
        assert_eq!(c.encode(), "40~37@1700000000000~39@1700000000500");
        assert_eq!(Cursor::parse(&c.encode(), 1_800_000_000_000), Ok(c));
        assert_eq!(Cursor::parse(" 12 ", 0), Ok(Cursor::after(12)));
        // A time in the future is taken as now.
        assert_eq!(
            Cursor::parse("12~3@99", 50).map(|c| c.gaps),
            Ok(BTreeMap::from([(3, 50)]))
        );
        for bad in [
            "",
            "x",
            "-1",
            "12~",
            "12~3",
            "12~3@",
            "12~x@1",
            "12~12@1",
            "12~0@1",
            "12~3@-1",
            "12~3@1~3@2",
            "1.5",
        ] {
            assert_eq!(Cursor::parse(bad, 0), Err(BadCursor), "{bad:?}");
        }
        let too_many: String = (1..=2 * MAX_GAPS + 1).map(|i| format!("~{i}@0")).collect();
        assert_eq!(Cursor::parse(&format!("1000{too_many}"), 0), Err(BadCursor));
    }

    /// The resume point of each event of one scan: resuming from it sends exactly the
    /// events after it, whichever of them were late.
    #[test]
    fn each_events_resume_point_sends_the_rest_and_nothing_twice() {
        // Sent so far: up to 10; 7 was a gap. Now 7 (the user's) and 12 (the user's)
        // appear, with 11 another user's and 13 still missing.
        let before = Cursor {
            high: 10,
            gaps: BTreeMap::from([(7, 0)]),
        };
        let mut after = before.clone();
        after.advance(&[row(7, 1, 5), row(11, 2, 50), row(12, 1, 60), row(14, 2, 70)]);
        assert_eq!(after.high, 14);
        assert_eq!(after.gaps, BTreeMap::from([(13, 70)]));
        // Once 7 is sent, 12 is still to come; 10 and below are settled.
        let at_7 = after.resume_point(&before, 7, &[12], 100);
        assert_eq!(at_7, Cursor::after(10));
        // Once 12 is sent: 13 is rescanned from 12, found again as a gap if still missing.
        let at_12 = after.resume_point(&before, 12, &[], 100);
        assert_eq!(at_12, Cursor::after(12));
        // A late fill sent before a still-pending fill keeps the pending one as a gap.
        let before = Cursor {
            high: 20,
            gaps: BTreeMap::from([(15, 0), (17, 0), (19, 0)]),
        };
        let mut after = before.clone();
        after.advance(&[row(15, 1, 5), row(17, 1, 6)]);
        let at_15 = after.resume_point(&before, 15, &[17], 100);
        assert_eq!(at_15.high, 20);
        assert_eq!(at_15.gaps, BTreeMap::from([(17, 100), (19, 0)]));
    }
}
