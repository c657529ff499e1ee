//! The wallet service's SQL, all through SeaORM so one text serves the three backends.
//! Functions take any connection (a pool or a transaction) and return `DbErr`; what a
//! result means for deposits and withdrawals is decided in `deposits.rs`/`withdrawals.rs`.

pub mod addresses;
pub mod deposits;
pub mod sends;

#[cfg(test)]
mod tests {
    //! The store against a real (SQLite) database: what it writes reads back typed, a
    //! second insert of the same key is answered `false`, and a status outside the
    //! vocabulary is an error when read, never a default.

    use sea_orm::{ConnectionTrait, DatabaseConnection};
    use sea_orm_migration::MigratorTrait;

    use pupero_core::DepositStatus;

    use super::*;
    use crate::entity::send_batch::BatchKind;
    use crate::entity::withdrawal_send::SendStatus;

    async fn database() -> DatabaseConnection {
        let dir =
            std::env::temp_dir().join(format!("pupero-wallet-store-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = pupero_db::connect(
            &format!("sqlite://{}/w.db?mode=rwc", dir.display()),
            pupero_config::DEFAULT_DATABASE_POOL_SIZE,
        )
        .await
        .unwrap();
        crate::Migrator::up(&db, None).await.unwrap();
        db
    }

    fn deposit(txid: &str) -> deposits::NewDeposit<'_> {
        deposits::NewDeposit {
            txid,
            address_index: 3,
            user_id: 7,
            amount: 5_000,
            height: 0,
            confirmations: 0,
            status: DepositStatus::Pending,
        }
    }

    #[tokio::test]
    async fn a_deposit_is_recorded_once_and_credited_once() {
        let db = database().await;
        assert!(deposits::insert(&db, deposit("aa")).await.unwrap());
        assert!(
            !deposits::insert(&db, deposit("aa")).await.unwrap(),
            "same (txid, index)"
        );
        deposits::update_seen(&db, "aa", 3, 90, 10).await.unwrap();
        let row = deposits::find(&db, "aa", 3).await.unwrap().unwrap();
        assert_eq!(
            (row.status, row.height, row.confirmations),
            (DepositStatus::Pending, 90, 10)
        );
        deposits::mark_credited(&db, row.id).await.unwrap();
        let rows = deposits::of_user(&db, 7).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].status, DepositStatus::Credited);
        assert!(rows[0].credited_at_ms.is_some());
    }

    #[tokio::test]
    async fn an_unknown_deposit_status_is_an_error_when_read() {
        let db = database().await;
        deposits::insert(&db, deposit("bb")).await.unwrap();
        db.execute_unprepared("UPDATE deposits SET status = 'creditted'")
            .await
            .unwrap();
        assert!(deposits::of_user(&db, 7).await.is_err());
        assert!(deposits::find(&db, "bb", 3).await.is_err());
    }

    #[tokio::test]
    async fn a_batch_is_stored_with_its_sends_at_once_and_moves_through_its_statuses() {
        let db = database().await;
        let hashes = ["h1".to_owned(), "h2".to_owned()];
        let metadata = ["m1".to_owned(), "m2".to_owned()];
        let batch = |shares: &'static [(i64, i64)]| sends::NewBatch {
            kind: BatchKind::Withdrawals,
            tx_hashes: &hashes,
            tx_metadata: &metadata,
            fee: 43,
            shares,
        };
        let id = sends::insert_batch(&db, batch(&[(11, 22), (12, 21)]), None)
            .await
            .unwrap()
            .unwrap();
        assert!(
            sends::insert_batch(&db, batch(&[(13, 22), (11, 21)]), None)
                .await
                .unwrap()
                .is_none(),
            "one send per withdrawal"
        );
        assert!(
            sends::of_withdrawal(&db, 13).await.unwrap().is_none(),
            "a refused batch stores nothing of itself"
        );
        let stored = sends::batch(&db, id).await.unwrap().unwrap();
        assert_eq!(
            (
                stored.tx_hashes.as_str(),
                stored.metadata.as_str(),
                stored.fee
            ),
            ("h1,h2", "m1\nm2", 43)
        );
        let built = sends::with_status(&db, SendStatus::Built).await.unwrap();
        assert_eq!(built.len(), 2);
        assert!(
            built
                .iter()
                .all(|s| s.batch_id == Some(id) && s.tx_hashes == "h1,h2")
        );
        assert_eq!(built.iter().map(|s| s.fee).sum::<i64>(), 43);
        sends::mark(&db, built[0].id, SendStatus::Relayed)
            .await
            .unwrap();
        sends::mark_batch(&db, id, SendStatus::Relayed)
            .await
            .unwrap();
        assert_eq!(
            sends::batches_with(&db, BatchKind::Withdrawals, SendStatus::Relayed)
                .await
                .unwrap()
                .len(),
            1
        );
        let row = sends::of_withdrawal(&db, built[0].withdrawal_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.status, SendStatus::Relayed);
    }

    #[tokio::test]
    async fn an_unknown_send_status_is_an_error_when_read() {
        let db = database().await;
        let hashes = ["h".to_owned()];
        let new = sends::NewBatch {
            kind: BatchKind::Withdrawals,
            tx_hashes: &hashes,
            tx_metadata: &hashes,
            fee: 1,
            shares: &[(12, 1)],
        };
        let id = sends::insert_batch(&db, new, None).await.unwrap().unwrap();
        // The ledger's word for it, not the wallet's.
        db.execute_unprepared("UPDATE withdrawal_sends SET status = 'signed'")
            .await
            .unwrap();
        assert!(sends::of_withdrawal(&db, 12).await.is_err());
        db.execute_unprepared("UPDATE send_batches SET kind = 'withdrawal'")
            .await
            .unwrap();
        assert!(sends::batch(&db, id).await.is_err());
    }

    #[tokio::test]
    async fn one_address_per_user() {
        let db = database().await;
        assert!(addresses::insert(&db, 7, 1, "8abc").await.unwrap());
        assert!(!addresses::insert(&db, 7, 2, "8def").await.unwrap());
        let row = addresses::of_user(&db, 7).await.unwrap().unwrap();
        assert_eq!((row.address_index, row.address.as_str()), (1, "8abc"));
        assert_eq!(addresses::owners(&db).await.unwrap().get(&1), Some(&7));
    }
}
