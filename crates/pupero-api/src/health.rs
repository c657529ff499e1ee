//! `GET /healthz`: each service's readiness, and the gateway's view of all of them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pupero_core::string_enum! {
    /// The words a health answer uses, for a service, one of its checks, or the platform.
    pub enum HealthStatus ("health status") {
        /// Ready.
        Ok = "ok",
        /// Running, but a dependency does not answer.
        Unavailable = "unavailable",
        /// A remote dependency (the wallet RPC, the daemon) cannot be reached.
        Unreachable = "unreachable",
        /// Not set up in this deployment (e.g. no hot wallet).
        NotConfigured = "not_configured",
        /// The gateway cannot reach the service at all.
        Down = "down",
        /// The gateway: some service is not `ok`.
        Degraded = "degraded",
    }
}

/// One service's `/healthz`: 200 when `status` is `ok`, 503 otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceHealth {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: HealthStatus,
    pub service: String,
    pub version: String,
    /// Each dependency by name (`database`, `wallet`, `daemon`).
    pub checks: BTreeMap<String, Check>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: HealthStatus,
    /// The database's kind: `sqlite`, `mysql` or `postgres`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
    /// The wallet's or the daemon's chain height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
}

/// The gateway's `/healthz`: always 200 while it runs, `ok` or `degraded`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformHealth {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: HealthStatus,
    pub service: String,
    pub version: String,
    /// Each service this deployment runs, by name.
    pub services: BTreeMap<String, Upstream>,
}

/// One service as the gateway saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Upstream {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: HealthStatus,
    /// Its own answer, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ServiceHealth>,
    /// Why there is no answer (`timeout`, `unreachable`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
