//! What `pupero up` says once every service listens: where to go, and the first steps.

use std::net::SocketAddr;
use std::path::Path;

use pupero_config::Service;

use crate::platform::Platform;

/// The start-up banner: the URLs to open, how to make the first admin, and on regtest how
/// to get coins. Addresses bound to every interface are shown as 127.0.0.1, which works
/// from this machine.
pub fn banner(platform: &Platform, data_dir: &Path, regtest: bool) -> String {
    let url = |service: Service| {
        platform
            .addrs
            .get(service.name())
            .map(|a| {
                let shown = if a.ip().is_unspecified() {
                    SocketAddr::from(([127, 0, 0, 1], a.port()))
                } else {
                    *a
                };
                format!("http://{shown}")
            })
            .unwrap_or_default()
    };
    let gateway = url(Service::Gateway);
    let data = data_dir.display();
    let mut lines = vec![
        String::new(),
        "Pupero is up.".to_owned(),
        format!("  Open the web UI:  {}", url(Service::Frontend)),
        format!("  API:              {gateway}  (docs {gateway}/docs, health {gateway}/healthz)"),
        format!(
            "  First admin:      PUPERO_DATA_DIR={data} pupero admin create-user --email you@example.com --username you --role admin"
        ),
    ];
    if regtest {
        lines.push(format!(
            "  Test coins:       PUPERO_DATA_DIR={data} pupero dev faucet --user NAME --amount 10  (credited after 10 blocks)"
        ));
        lines.push(format!(
            "  Solvency:         PUPERO_DATA_DIR={data} pupero admin solvency  (finds the regtest wallet by itself)"
        ));
    }
    lines.push(format!(
        "  Back up:          PUPERO_DATA_DIR={data} pupero admin backup --to DIR"
    ));
    lines.push("Stop with Ctrl-C.".to_owned());
    lines.join("\n")
}
