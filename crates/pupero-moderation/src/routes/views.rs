//! Rows as the API shows them.

use pupero_api::moderation::{
    AppealView, CaseNote, CaseReport, CaseView, ReportView, SanctionView,
};
use pupero_http::rfc3339;

use crate::entity::{appeal, case, note, report, sanction};

pub fn case_view(c: &case::Model, threshold: u64, now_ms: i64) -> CaseView {
    let reporters = u64::try_from(c.reporters).unwrap_or_default();
    CaseView {
        id: c.id,
        target: c.target_kind,
        target_id: c.target_id,
        category: c.category,
        status: c.status,
        reporters,
        priority: reporters,
        escalated: reporters >= threshold,
        assignee_id: c.assignee_id,
        resolution: c.resolution,
        resolution_reason: c.resolution_reason.clone(),
        resolved_by: c.resolved_by,
        opened_at: rfc3339(c.created_at_ms),
        age_seconds: now_ms.saturating_sub(c.created_at_ms) / 1000,
        resolved_at: c.resolved_at_ms.map(rfc3339),
    }
}

pub fn report_view(r: &report::Model, c: &case::Model) -> ReportView {
    ReportView {
        id: r.id,
        case_id: c.id,
        target: c.target_kind,
        target_id: c.target_id,
        category: r.category,
        text: r.text.clone(),
        status: c.status,
        resolution: c.resolution,
        created_at: rfc3339(r.created_at_ms),
    }
}

pub fn case_report(r: &report::Model) -> CaseReport {
    CaseReport {
        id: r.id,
        reporter_id: r.reporter_id,
        category: r.category,
        text: r.text.clone(),
        created_at: rfc3339(r.created_at_ms),
    }
}

pub fn case_note(n: &note::Model) -> CaseNote {
    CaseNote {
        id: n.id,
        author_id: n.author_id,
        text: n.text.clone(),
        created_at: rfc3339(n.created_at_ms),
    }
}

pub fn appeal_view(a: &appeal::Model) -> AppealView {
    AppealView {
        id: a.id,
        sanction_id: a.sanction_id,
        user_id: a.user_id,
        text: a.text.clone(),
        status: a.status,
        decided_by: a.decided_by,
        decision_reason: a.decision_reason.clone(),
        created_at: rfc3339(a.created_at_ms),
        decided_at: a.decided_at_ms.map(rfc3339),
    }
}

/// The last instant an appeal of `s` is accepted, if one still is.
pub fn appeal_deadline(
    s: &sanction::Model,
    appeal: Option<&appeal::Model>,
    window_ms: i64,
    now_ms: i64,
) -> Option<i64> {
    let until = s.created_at_ms.saturating_add(window_ms);
    (appeal.is_none() && s.in_force(now_ms) && now_ms <= until).then_some(until)
}

pub fn sanction_view(
    s: &sanction::Model,
    appeal: Option<&appeal::Model>,
    window_ms: i64,
    now_ms: i64,
) -> SanctionView {
    let deadline = appeal_deadline(s, appeal, window_ms, now_ms);
    let how_to_appeal = match (appeal, deadline) {
        (Some(a), _) => format!("appealed on {}: {}", rfc3339(a.created_at_ms), a.status),
        (None, Some(until)) => format!(
            "send POST /moderation/appeals {{\"sanction_id\": {}, \"text\": \"why\"}} (or use \
             the appeal form on your sanctions page) before {}; a moderator other than the \
             one who imposed it decides",
            s.id,
            rfc3339(until)
        ),
        (None, None) => {
            "no appeal is possible: the sanction is over or its appeal window closed".to_owned()
        }
    };
    SanctionView {
        id: s.id,
        user_id: s.user_id,
        kind: s.kind,
        reason: s.reason.clone(),
        imposed_by: s.imposed_by,
        created_at: rfc3339(s.created_at_ms),
        expires_at: s.expires_at_ms.map(rfc3339),
        active: s.in_force(now_ms),
        lifted_at: s.lifted_at_ms.map(rfc3339),
        lift_reason: s.lift_reason.clone(),
        appeal_until: deadline.map(rfc3339),
        how_to_appeal,
        appeal: appeal.map(appeal_view),
    }
}
