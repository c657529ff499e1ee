//! How a batch's network fee is shared among the withdrawals it pays.
//!
//! The platform pays network fees (the user receives exactly what was asked for), so the
//! split only decides which withdrawal's `relayed` entry journals which part of the fee
//! (`platform:fees → platform:network_fees`). Every output costs the network about the
//! same, so the fee is shared equally, in integer piconero: each withdrawal pays
//! `fee / n`, and the `fee % n` piconero left over are paid one each by the first
//! withdrawals in the batch's order (lowest id first). The shares always add up to the
//! fee exactly.

/// Equal shares of `fee` for `n` withdrawals, the remainder on the first ones; empty when
/// `n` is 0.
pub(crate) fn fee_shares(fee: i64, n: usize) -> Vec<i64> {
    let Ok(count) = i64::try_from(n) else {
        return Vec::new();
    };
    if count == 0 {
        return Vec::new();
    }
    let (share, left) = (fee / count, fee % count);
    (0..count).map(|i| share + i64::from(i < left)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_the_fee_and_differ_by_at_most_one_piconero() {
        for (fee, n) in [
            (0, 1),
            (1, 1),
            (1, 3),
            (30_940_000, 1),
            (30_940_001, 15),
            (30_940_014, 15),
            (7, 15),
        ] {
            let shares = fee_shares(fee, n);
            assert_eq!(shares.len(), n);
            assert_eq!(shares.iter().sum::<i64>(), fee, "{fee}/{n}");
            let (lo, hi) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
            assert!(hi - lo <= 1, "{fee}/{n}: {shares:?}");
        }
    }

    #[test]
    fn the_remainder_goes_to_the_first_withdrawals() {
        assert_eq!(fee_shares(11, 4), vec![3, 3, 3, 2]);
        assert_eq!(fee_shares(2, 3), vec![1, 1, 0]);
        assert_eq!(fee_shares(9, 3), vec![3, 3, 3]);
        assert!(fee_shares(5, 0).is_empty());
    }
}
