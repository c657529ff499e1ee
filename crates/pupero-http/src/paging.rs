//! One paging rule for every list: `?limit=&offset=`, checked the same way everywhere.

use pupero_api::Paged;
use serde::Deserialize;

use crate::ApiError;

/// `?limit=&offset=` as the client sent them. Flatten it into a route's own query
/// (`#[serde(flatten)]`) when the route has filters too.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many rows (1 to the route's maximum; 50 unless the route says otherwise).
    pub limit: Option<u64>,
    /// How many rows to skip.
    pub offset: Option<u64>,
}

/// A checked window of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u64,
    pub offset: u64,
}

impl PageQuery {
    /// The window, with `default` rows unless asked otherwise; 422 on `limit` outside
    /// 1..=`max`.
    pub fn page(self, default: u64, max: u64) -> Result<Page, ApiError> {
        let limit = self.limit.unwrap_or(default);
        if !(1..=max).contains(&limit) {
            return Err(ApiError::invalid(
                "limit",
                format!("limit must be between 1 and {max}"),
            ));
        }
        Ok(Page {
            limit,
            offset: self.offset.unwrap_or(0),
        })
    }
}

impl Page {
    /// `items` (this window's rows of `total`) as the answer every list gives.
    pub fn of<T>(self, items: Vec<T>, total: u64) -> Paged<T> {
        Paged {
            items,
            total,
            limit: self.limit,
            offset: self.offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_and_defaulted() {
        let q = |limit, offset| PageQuery { limit, offset };
        assert_eq!(
            q(None, None).page(50, 200).ok(),
            Some(Page {
                limit: 50,
                offset: 0
            })
        );
        assert_eq!(
            q(Some(200), Some(7)).page(50, 200).ok(),
            Some(Page {
                limit: 200,
                offset: 7
            })
        );
        for bad in [0, 201] {
            let err = q(Some(bad), None).page(50, 200).err();
            assert_eq!(err.and_then(|e| e.field), Some("limit".to_owned()));
        }
    }
}
