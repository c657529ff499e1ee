//! The public half of the server's signing key: what audit checkpoints and trade receipts
//! are checked against (`pupero verify-receipt --url`, `pupero admin audit-verify
//! --public-key`).

use axum::Json;
use axum::extract::State;

use pupero_api::accounts::SigningKeyView;

use crate::TransactionsState;

/// The Ed25519 public key that signs audit checkpoints and trade receipts.
#[utoipa::path(get, path = "/audit/public-key", tag = "audit",
    responses((status = 200, body = SigningKeyView)))]
pub async fn public_key(State(state): State<TransactionsState>) -> Json<SigningKeyView> {
    Json(SigningKeyView {
        algorithm: "ed25519".into(),
        public_key: state.signing_key.public_key().to_string(),
    })
}
