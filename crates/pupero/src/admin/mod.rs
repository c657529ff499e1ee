//! Operator commands (`pupero migrate`, `pupero admin …`): each takes the settings, opens
//! what it needs, prints its report and fails with a message when the check fails.

mod backup;
mod catalog;
mod dump;
mod manifest;
mod restore;

pub use backup::backup;
pub use catalog::table_names;
pub use manifest::{CopyItem, Manifest, TableSummary, WalletState};
pub use restore::{RestoreReport, restore};

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{Context, bail};
use sea_orm::DatabaseConnection;

use pupero_config::Settings;
use pupero_core::{Email, Password, Role, Username, format_signed_xmr};

use crate::migrations::{migrate_all, require_current};
use crate::platform::{connect, redact};

/// Applies every pending migration.
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    settings.ensure_data_dir()?;
    let db = connect(settings).await?;
    migrate_all(&db).await?;
    println!("migrations applied to {}", redact(&settings.database_url()));
    Ok(())
}

/// Compares the hot wallet's balance with what the platform owes its users; fails when the
/// wallet holds less, or when its balance cannot be brought up to date.
pub async fn solvency(settings: &Settings) -> anyhow::Result<()> {
    let db = connect(settings).await?;
    require_current(&db).await?;
    let (url, credentials) = match settings.monero_rpc_url.clone() {
        Some(url) => (url, settings.monero_rpc_credentials()),
        // Beside `pupero up --regtest`, whose wallet-rpc has no login and a random port.
        None => match crate::devchain::regtest_hot_wallet_url(&settings.data_dir) {
            Some(url) => {
                println!("the hot wallet of `pupero up --regtest`: {url}");
                (url, None)
            }
            None => bail!(
                "MONERO_RPC_URL is not set (nor is a `pupero up --regtest` chain in {})",
                settings.data_dir.display()
            ),
        },
    };
    let wallet = pupero_wallet::rpc::WalletRpc::new(&url, credentials)?;
    let (held, owed) = solvency_figures(&db, &wallet).await?;
    println!(
        "hot wallet holds {} XMR; users are owed {} XMR; margin {} XMR",
        format_signed_xmr(held),
        format_signed_xmr(owed),
        format_signed_xmr(held - owed)
    );
    if held >= owed {
        println!("solvent");
        Ok(())
    } else {
        bail!("INSOLVENT: the hot wallet holds less than the platform owes")
    }
}

/// What the hot wallet holds (refreshed first) and what users are owed, in piconero.
pub async fn solvency_figures(
    db: &DatabaseConnection,
    wallet: &pupero_wallet::rpc::WalletRpc,
) -> anyhow::Result<(i128, i128)> {
    // A stale balance could call an insolvent platform solvent (or the reverse).
    wallet
        .refresh()
        .await
        .context("cannot refresh the hot wallet, so its balance may be stale")?;
    let held = i128::from(
        wallet
            .balance()
            .await
            .context("cannot read the hot wallet's balance")?
            .balance,
    );
    let owed = pupero_transactions::ledger::liabilities(db).await?;
    Ok((held, owed))
}

/// Recomputes every balance from the journal; fails on any mismatch, unbalanced entry or
/// negative user balance.
pub async fn ledger_verify(settings: &Settings) -> anyhow::Result<()> {
    let db = connect(settings).await?;
    require_current(&db).await?;
    let report = pupero_transactions::ledger::verify(&db).await?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    if report.is_consistent() {
        println!(
            "ledger consistent: {} accounts, {} entries, {} postings",
            report.accounts, report.entries, report.postings
        );
        Ok(())
    } else {
        bail!("the ledger is NOT consistent (see above)")
    }
}

/// Checks every audit chain against the trusted public keys; fails naming the first bad
/// record of the first broken chain.
pub async fn audit_verify(settings: &Settings, public_keys: &[String]) -> anyhow::Result<()> {
    use pupero_db::signing::{PublicKey, SigningKey};
    let trusted: Vec<PublicKey> = if public_keys.is_empty() {
        // Only a key that exists: generating a new one here would distrust every checkpoint.
        let configured = settings.audit_signing_key.is_some()
            || settings.data_dir.join("audit-signing-key").exists();
        if !configured {
            bail!(
                "no trusted key: pass --public-key (from /transactions/audit/public-key) or set AUDIT_SIGNING_KEY"
            );
        }
        vec![SigningKey::from_hex(settings.resolve_audit_key()?.expose())?.public_key()]
    } else {
        public_keys
            .iter()
            .map(|k| PublicKey::from_hex(k))
            .collect::<Result<_, _>>()?
    };
    let db = connect(settings).await?;
    require_current(&db).await?;
    let mut broken = None;
    for chain in pupero_db::audit_chain::CHAINS {
        let report = pupero_db::audit_chain::verify(&db, chain, &trusted).await?;
        println!("{}", serde_json::to_string_pretty(&report)?);
        if let Some(problem) = &report.problem {
            if broken.is_none() {
                broken = Some(format!(
                    "the {} audit chain is BROKEN: {problem}",
                    report.chain
                ));
            }
        } else {
            println!(
                "{} audit chain intact: {} records, signed through record {} by {} checkpoint(s); {} written and not yet chained",
                report.chain,
                report.records,
                report.signed_through,
                report.checkpoints,
                report.pending
            );
        }
    }
    match broken {
        Some(message) => bail!(message),
        None => {
            println!("audit chains intact");
            Ok(())
        }
    }
}

/// Makes the token key pairs missing from `keys_dir` and prints every public key's id.
pub fn generate_keys(keys_dir: &Path) -> anyhow::Result<()> {
    pupero_http::token::generate_missing(keys_dir)?;
    for service in pupero_http::token::SERVICES {
        let path = keys_dir.join(format!("{service}.pub"));
        let public = pupero_http::token::read_key(&path)?;
        println!(
            "{service}: key id {} ({})",
            pupero_http::token::key_id(&public),
            path.display()
        );
    }
    Ok(())
}

/// The account `pupero admin create-user` makes.
pub struct NewAccount {
    pub email: String,
    pub username: String,
    pub role: Role,
    /// The environment variable holding the password; `None` reads standard input's first line.
    pub password_env: Option<String>,
}

/// Creates an account with a role, migrating a fresh database first: how the first admin
/// comes to exist.
pub async fn create_user(settings: &Settings, account: NewAccount) -> anyhow::Result<()> {
    let password = match &account.password_env {
        Some(var) => std::env::var(var).with_context(|| format!("{var} is not set"))?,
        // A person at a terminal: asked twice, never shown (nor left in the shell's history).
        None if std::io::stdin().is_terminal() => {
            let first = rpassword::prompt_password(format!("Password for {}: ", account.username))?;
            let again = rpassword::prompt_password("The same password again: ")?;
            if first != again {
                bail!("the two passwords differ; no account was created");
            }
            first
        }
        None => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if password.is_empty() {
        bail!("no password given (stdin or --password-env)");
    }
    settings.ensure_data_dir()?;
    let db = connect(settings).await?;
    migrate_all(&db).await?;
    let id = insert_account(
        &db,
        &account.email,
        &account.username,
        account.role,
        &password,
    )
    .await?;
    println!("created user {id} ({}, {})", account.username, account.role);
    Ok(())
}

/// Inserts an account with any role, with the rules registration applies to its email,
/// username and password.
pub async fn insert_account(
    db: &DatabaseConnection,
    email: &str,
    username: &str,
    role: Role,
    password: &str,
) -> anyhow::Result<i64> {
    let email = Email::parse(email)?;
    let username = Username::parse(username)?;
    let password = Password::parse_new(password, &username, &email)?;
    if pupero_login::store::email_taken(db, &email).await? {
        bail!("the email {email} is already registered");
    }
    if pupero_login::store::username_taken(db, &username).await? {
        bail!("the username {username} is taken");
    }
    let password_hash = pupero_login::Passwords::new(1)
        .hash(password.expose().to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let id = pupero_login::store::insert_user(
        db,
        pupero_login::store::NewUser {
            email: &email,
            username: &username,
            password_hash,
            role,
        },
    )
    .await
    .context("could not create the user")?;
    Ok(id)
}

/// What `pupero admin backup` tells the operator: where it went, what it holds, and what
/// they must still copy themselves.
pub fn print_backup(to: &Path, manifest: &Manifest) {
    let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "backed up {rows} rows of {} tables ({}) to {} at {}",
        manifest.tables.len(),
        manifest.backend,
        to.display(),
        manifest.created_at
    );
    for (kind, total) in &manifest.ledger_totals {
        let xmr = total
            .parse::<i128>()
            .map_or_else(|_| total.clone(), format_signed_xmr);
        println!("  ledger {kind}: {xmr} XMR");
    }
    if let Some(wallet) = &manifest.wallet {
        match (wallet.height, &wallet.unreachable) {
            (Some(height), _) => println!("  hot wallet height {height}"),
            (None, Some(why)) => println!("  hot wallet NOT read: {why}"),
            (None, None) => {}
        }
    }
    println!("Copy these too; they are not in the database:");
    for item in &manifest.operator_must_copy {
        println!("  {}: {}", item.what, item.why);
    }
}
