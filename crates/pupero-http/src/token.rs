//! Typed, short-lived JWTs, signed with Ed25519 (EdDSA) keys that belong to one service
//! each.
//!
//! An access token and a refresh token differ in `typ`, and each verifier states which
//! kind it expects, so a refresh token is never accepted where an access token is due.
//! `sub` is the numeric user id (never the email: a new account with an old email must
//! not inherit old tokens).
//!
//! Who may sign what is decided by whose key signed it, not by anything the token says:
//! user tokens (access, refresh, mfa) verify only under a key of the login service, and a
//! service token verifies only under a key of the service its `sub` names. Every other
//! service holds only its own private key and the public keys, so a compromised frontend
//! can name itself and nothing more. The header's `kid` picks the key, which lets a
//! verifier trust an old and a new key of a service at once while keys rotate.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use pupero_core::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Access,
    Refresh,
    /// A service calling another service's `/internal/` routes; `sub` is the service name.
    Service,
    /// The password was right and only the second factor is missing: trades, with a TOTP
    /// code, for a session at `/login`, so a client never has to hold the password.
    Mfa,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub typ: TokenKind,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    pub fn user_id(&self) -> Option<i64> {
        self.sub.parse().ok()
    }
}

/// A freshly signed token with the facts the issuer must remember about it.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub jti: String,
    pub expires_at_ms: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token is expired")]
    Expired,
    #[error("token is invalid")]
    Invalid,
    #[error("wrong kind of token: expected {expected:?}")]
    WrongKind { expected: TokenKind },
    #[error("could not sign token: {0}")]
    Signing(String),
}

/// The one service whose keys sign user tokens.
pub const USER_TOKEN_ISSUER: &str = "login";

/// Every service that holds a key (`pupero up` generates one for each).
pub const SERVICES: [&str; 7] = [
    "login",
    "offers",
    "transactions",
    "wallet",
    "moderation",
    "gateway",
    "frontend",
];

/// Signing keys for the services this value may sign as, and every trusted public key.
/// Cheap to clone into every service's state.
#[derive(Clone)]
pub struct JwtKeys(Arc<Keys>);

struct Keys {
    signers: BTreeMap<String, Signer>,
    /// By key id: whose key it is, and the key.
    verifiers: HashMap<String, (String, DecodingKey)>,
    validation: Validation,
    /// Tokens whose signature was checked: token → (signer's service, claims).
    verified: std::sync::Mutex<HashMap<String, (String, Claims)>>,
    /// The service token last issued, per service, for [`JwtKeys::service_credential`].
    credentials: std::sync::Mutex<HashMap<String, IssuedToken>>,
}

/// A service token is reused until less than this is left of its 60 seconds, so one in
/// flight never expires on the way.
const CREDENTIAL_REUSE_MARGIN_MS: i64 = 30_000;

/// At most this many verified tokens are remembered (a few MiB).
const VERIFIED_CACHE_ENTRIES: usize = 8192;

struct Signer {
    kid: String,
    key: EncodingKey,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("signs_as", &self.0.signers.keys().collect::<Vec<_>>())
            .field("trusted_key_ids", &self.0.verifiers.len())
            .finish()
    }
}

/// A key file that cannot be read, written or understood.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a base64 Ed25519 key (32 bytes)")]
    Malformed { path: std::path::PathBuf },
    #[error(
        "the {service} service's signing key {path} is missing (PUPERO_KEYS_DIR; `pupero admin generate-keys` makes them)"
    )]
    MissingSigningKey {
        service: String,
        path: std::path::PathBuf,
    },
    #[error(
        "no public key of the login service (login.pub) in {dir}: user tokens could not be checked"
    )]
    MissingLoginKey { dir: std::path::PathBuf },
}

/// A new random Ed25519 private key (its 32-byte seed).
pub fn generate_seed() -> [u8; 32] {
    rand::random()
}

/// The public key of a private key's seed.
pub fn public_key(seed: &[u8; 32]) -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(seed)
        .verifying_key()
        .to_bytes()
}

/// The key id of a public key: a fingerprint, so it names exactly one key.
pub fn key_id(public: &[u8; 32]) -> String {
    let digest = Sha256::digest(public);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// PKCS#8 v1 wrapping of an Ed25519 seed (RFC 8410), the form jsonwebtoken signs with.
pub fn pkcs8_der(seed: &[u8; 32]) -> Vec<u8> {
    const PREFIX: [u8; 16] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    let mut der = PREFIX.to_vec();
    der.extend_from_slice(seed);
    der
}

fn decode_key(path: &Path, text: &str) -> Result<[u8; 32], KeyError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| KeyError::Malformed {
            path: path.to_owned(),
        })
}

/// A key file (either kind): base64 of 32 bytes.
pub fn read_key(path: &Path) -> Result<[u8; 32], KeyError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    decode_key(path, &text)
}

fn encode_key(key: &[u8; 32]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(key)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `contents` to `path` unless it exists (a concurrent start may have won; its key
/// is then the one kept). Private keys are readable by the owner only.
fn write_new(path: &Path, contents: &str, private: bool) -> Result<(), KeyError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    match options.open(path) {
        Ok(mut file) => file
            .write_all(format!("{contents}\n").as_bytes())
            .map_err(io(path)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io(path)(e)),
    }
}

/// Makes a key pair for every service that has no private key in `dir` yet, and the public
/// key file of every private key there (development and `pupero up`: zero configuration).
pub fn generate_missing(dir: &Path) -> Result<(), KeyError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for service in SERVICES {
        let key_path = dir.join(format!("{service}.key"));
        write_new(&key_path, &encode_key(&generate_seed()), true)?;
        let text = std::fs::read_to_string(&key_path).map_err(io(&key_path))?;
        let seed = decode_key(&key_path, &text)?;
        write_new(
            &dir.join(format!("{service}.pub")),
            &encode_key(&public_key(&seed)),
            false,
        )?;
    }
    Ok(())
}

impl JwtKeys {
    /// From raw keys: the private keys this value signs with, and the trusted public keys,
    /// each with the service it belongs to.
    pub fn from_keys<'a>(
        signers: impl IntoIterator<Item = (&'a str, [u8; 32])>,
        trusted: impl IntoIterator<Item = (&'a str, [u8; 32])>,
    ) -> Self {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        validation.leeway = 5;
        let signers = signers
            .into_iter()
            .map(|(service, seed)| {
                let signer = Signer {
                    kid: key_id(&public_key(&seed)),
                    key: EncodingKey::from_ed_der(&pkcs8_der(&seed)),
                };
                (service.to_owned(), signer)
            })
            .collect();
        let verifiers = trusted
            .into_iter()
            .map(|(service, public)| {
                (
                    key_id(&public),
                    (service.to_owned(), DecodingKey::from_ed_der(&public)),
                )
            })
            .collect();
        Self(Arc::new(Keys {
            signers,
            verifiers,
            validation,
            verified: std::sync::Mutex::default(),
            credentials: std::sync::Mutex::default(),
        }))
    }

    /// Reads the keys directory: the private key `<service>.key` of each service in
    /// `sign_as`, and every public key `<service>.pub` or `<service>.<anything>.pub` (the
    /// extra ones are keys being rotated in or out; all are trusted).
    pub fn load(dir: &Path, sign_as: &[&str]) -> Result<Self, KeyError> {
        let mut seeds = Vec::new();
        for service in sign_as {
            let path = dir.join(format!("{service}.key"));
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(KeyError::MissingSigningKey {
                        service: (*service).to_owned(),
                        path,
                    });
                }
                Err(e) => return Err(io(&path)(e)),
            };
            seeds.push((*service, decode_key(&path, &text)?));
        }
        let mut publics = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io(dir))? {
            let path = entry.map_err(io(dir))?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(stem) = name.strip_suffix(".pub") else {
                continue;
            };
            let service = stem.split('.').next().unwrap_or(stem).to_owned();
            let text = std::fs::read_to_string(&path).map_err(io(&path))?;
            publics.push((service, decode_key(&path, &text)?));
        }
        if !publics.iter().any(|(s, _)| s == USER_TOKEN_ISSUER) {
            return Err(KeyError::MissingLoginKey {
                dir: dir.to_owned(),
            });
        }
        Ok(Self::from_keys(
            seeds,
            publics.iter().map(|(s, k)| (s.as_str(), *k)),
        ))
    }

    /// The same trust, signing only as `service`: each service's state gets this, so even
    /// inside one `pupero up` process the frontend's code cannot sign as login.
    pub fn only(&self, service: &str) -> Self {
        let signers = self
            .0
            .signers
            .get(service)
            .map(|s| Signer {
                kid: s.kid.clone(),
                key: s.key.clone(),
            })
            .map(|s| (service.to_owned(), s))
            .into_iter()
            .collect();
        Self(Arc::new(Keys {
            signers,
            verifiers: self.0.verifiers.clone(),
            validation: self.0.validation.clone(),
            verified: std::sync::Mutex::default(),
            credentials: std::sync::Mutex::default(),
        }))
    }

    /// A user token. Only a value holding the login service's key can make one.
    pub fn issue(
        &self,
        user_id: i64,
        role: Role,
        kind: TokenKind,
        ttl: Duration,
    ) -> Result<IssuedToken, TokenError> {
        self.sign(USER_TOKEN_ISSUER, user_id.to_string(), role, kind, ttl)
    }

    fn sign(
        &self,
        signer: &str,
        sub: String,
        role: Role,
        typ: TokenKind,
        ttl: Duration,
    ) -> Result<IssuedToken, TokenError> {
        let signer =
            self.0.signers.get(signer).ok_or_else(|| {
                TokenError::Signing(format!("this process holds no {signer} key"))
            })?;
        let now_ms = pupero_db::now_ms();
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
        let expires_at_ms = now_ms.saturating_add(ttl_ms);
        let jti = uuid::Uuid::new_v4().simple().to_string();
        let claims = Claims {
            sub,
            role,
            typ,
            jti: jti.clone(),
            iat: now_ms / 1000,
            exp: expires_at_ms / 1000,
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(signer.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &signer.key)
            .map_err(|e| TokenError::Signing(e.to_string()))?;
        Ok(IssuedToken {
            token,
            jti,
            expires_at_ms,
        })
    }

    /// Checks the signer, signature, algorithm (EdDSA only: `alg: none`, HS256 and others
    /// are refused), expiry and kind. User tokens must be signed by a login key; a service
    /// token by a key of the service its `sub` names.
    pub fn verify(&self, token: &str, expected: TokenKind) -> Result<Claims, TokenError> {
        let (owner, claims) = self.signed(token)?;
        if claims.typ != expected {
            return Err(TokenError::WrongKind { expected });
        }
        let signed_by_right_key = match expected {
            TokenKind::Service => owner == claims.sub,
            _ => owner == USER_TOKEN_ISSUER && claims.user_id().is_some(),
        };
        if !signed_by_right_key {
            return Err(TokenError::Invalid);
        }
        Ok(claims)
    }

    /// The claims of a token whose signature checks out, with whose key signed it.
    ///
    /// An Ed25519 check costs tens of microseconds, several times a whole cached read, and
    /// a client sends the same access token for minutes. So a verified token (the exact
    /// string) is remembered until it expires: the same bytes under the same keys always
    /// verify the same way, and expiry is checked again on every use.
    fn signed(&self, token: &str) -> Result<(String, Claims), TokenError> {
        use jsonwebtoken::errors::ErrorKind;
        let now = pupero_db::now_ms() / 1000;
        let leeway = i64::try_from(self.0.validation.leeway).unwrap_or(0);
        let remembered = self
            .0
            .verified
            .lock()
            .ok()
            .and_then(|cache| cache.get(token).cloned());
        if let Some((owner, claims)) = remembered {
            if claims.exp < now - leeway {
                return Err(TokenError::Expired);
            }
            return Ok((owner, claims));
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        let (owner, key) = header
            .kid
            .as_deref()
            .and_then(|kid| self.0.verifiers.get(kid))
            .ok_or(TokenError::Invalid)?;
        let claims = jsonwebtoken::decode::<Claims>(token, key, &self.0.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?
            .claims;
        if let Ok(mut cache) = self.0.verified.lock() {
            if cache.len() >= VERIFIED_CACHE_ENTRIES {
                cache.retain(|_, (_, c)| c.exp >= now - leeway);
                if cache.len() >= VERIFIED_CACHE_ENTRIES {
                    cache.clear();
                }
            }
            cache.insert(token.to_owned(), (owner.clone(), claims.clone()));
        }
        Ok((owner.clone(), claims))
    }

    /// A service token for `service`, reused while it has more than half its life left:
    /// a fresh one per call would cost the caller a signature and the callee a fresh
    /// verification (which it would otherwise remember).
    pub fn service_credential(&self, service: &str) -> Result<String, TokenError> {
        let now = pupero_db::now_ms();
        let mut issued = self
            .0
            .credentials
            .lock()
            .map_err(|_| TokenError::Signing("credential cache poisoned".into()))?;
        if let Some(t) = issued.get(service)
            && t.expires_at_ms - now > CREDENTIAL_REUSE_MARGIN_MS
        {
            return Ok(t.token.clone());
        }
        let fresh = self.issue_service(service)?;
        let token = fresh.token.clone();
        issued.insert(service.to_owned(), fresh);
        Ok(token)
    }

    /// A short-lived token for calling another service's `/internal/` routes, signed with
    /// `service`'s own key (so it can name no other caller).
    pub fn issue_service(&self, service: &str) -> Result<IssuedToken, TokenError> {
        // The role is unused for services; `typ` and the signing key are what count.
        self.sign(
            service,
            service.to_owned(),
            Role::User,
            TokenKind::Service,
            Duration::from_secs(60),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> (JwtKeys, [u8; 32], [u8; 32]) {
        let login = generate_seed();
        let frontend = generate_seed();
        let keys = JwtKeys::from_keys(
            [("login", login), ("frontend", frontend)],
            [
                ("login", public_key(&login)),
                ("frontend", public_key(&frontend)),
            ],
        );
        (keys, login, frontend)
    }

    #[test]
    fn access_and_refresh_tokens_are_not_interchangeable() {
        let (keys, _, _) = ring();
        let access = keys
            .issue(7, Role::User, TokenKind::Access, Duration::from_secs(60))
            .unwrap();
        let claims = keys.verify(&access.token, TokenKind::Access).unwrap();
        assert_eq!(claims.user_id(), Some(7));
        assert!(matches!(
            keys.verify(&access.token, TokenKind::Refresh),
            Err(TokenError::WrongKind { .. })
        ));
    }

    #[test]
    fn tokens_signed_with_an_untrusted_key_are_invalid() {
        let (keys, _, _) = ring();
        let stranger = generate_seed();
        let other = JwtKeys::from_keys([("login", stranger)], [("login", public_key(&stranger))]);
        let t = other
            .issue(7, Role::Admin, TokenKind::Access, Duration::from_secs(60))
            .unwrap();
        assert!(matches!(
            keys.verify(&t.token, TokenKind::Access),
            Err(TokenError::Invalid)
        ));
    }

    #[test]
    fn only_the_login_key_makes_user_tokens_and_services_sign_only_as_themselves() {
        let (keys, _, frontend) = ring();
        let frontend_only = keys.only("frontend");
        assert!(
            frontend_only
                .issue(1, Role::Admin, TokenKind::Access, Duration::from_secs(60))
                .is_err()
        );
        assert!(frontend_only.issue_service("wallet").is_err());
        let own = frontend_only.issue_service("frontend").unwrap();
        assert_eq!(
            keys.verify(&own.token, TokenKind::Service).unwrap().sub,
            "frontend"
        );
        // The frontend's key signing a user token, or naming another service, is refused.
        let forged = JwtKeys::from_keys([("login", frontend), ("wallet", frontend)], []);
        let admin = forged
            .issue(1, Role::Admin, TokenKind::Access, Duration::from_secs(60))
            .unwrap();
        assert!(keys.verify(&admin.token, TokenKind::Access).is_err());
        let wallet = forged.issue_service("wallet").unwrap();
        assert!(keys.verify(&wallet.token, TokenKind::Service).is_err());
    }

    #[test]
    fn a_remembered_token_is_only_ever_the_exact_string_verified() {
        let (keys, _, _) = ring();
        let t = keys
            .issue(7, Role::User, TokenKind::Access, Duration::from_secs(60))
            .unwrap();
        assert!(keys.verify(&t.token, TokenKind::Access).is_ok());
        // Same signature, another payload: not the remembered string, so checked and refused.
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let parts: Vec<&str> = t.token.split('.').collect();
        let mut claims: serde_json::Value =
            serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
        claims["role"] = "admin".into();
        let admin = format!(
            "{}.{}.{}",
            parts[0],
            b64.encode(claims.to_string()),
            parts[2]
        );
        assert!(keys.verify(&admin, TokenKind::Access).is_err());
        // The remembered token still has to be the right kind.
        assert!(keys.verify(&t.token, TokenKind::Service).is_err());
    }

    #[test]
    fn a_service_credential_is_reused_while_fresh() {
        let (keys, _, _) = ring();
        let frontend = keys.only("frontend");
        let first = frontend.service_credential("frontend").unwrap();
        assert_eq!(frontend.service_credential("frontend").unwrap(), first);
        assert!(frontend.service_credential("login").is_err());
    }
}
