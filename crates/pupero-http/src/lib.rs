//! The kit every Pupero HTTP service is built from: one JSON error shape, request parsing
//! that answers in that shape, token verification as extractors, client IPs behind the
//! gateway, request ids, metrics, health and OpenAPI.

pub mod auth;
pub mod client_ip;
pub mod error;
pub mod extract;
pub mod health;
pub mod observe;
pub mod service;
pub mod token;

pub use auth::{AdminUser, AuthUser, ModeratorUser};
pub use client_ip::{ClientIp, TrustedProxies};
pub use error::{ApiError, ApiResult};
pub use extract::{ApiJson, ApiPath, ApiQuery};
pub use service::{ServiceRouter, serve};
pub use token::{Claims, IssuedToken, JwtKeys, TokenKind};
