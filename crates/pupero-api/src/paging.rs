//! One shape for every list the API pages through.

use serde::{Deserialize, Serialize};

/// One page of a list: its rows, how many rows the whole list has, and the window that
/// was asked for (`?limit=&offset=`, after defaults), so a client pages on without
/// guessing the server's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
}

impl<T> Paged<T> {
    /// The same page with each row turned into something else (e.g. a row into its view).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            limit: self.limit,
            offset: self.offset,
        }
    }

    /// Whether rows follow this page.
    pub fn has_more(&self) -> bool {
        let shown = u64::try_from(self.items.len()).unwrap_or(u64::MAX);
        self.offset.saturating_add(shown) < self.total
    }
}
