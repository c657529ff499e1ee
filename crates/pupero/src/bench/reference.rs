//! The machine's own limit, measured in the same run: Debian's nginx (2 workers, a
//! scratch config in a temporary directory) serving the very same bytes as a static
//! file, so each figure can be read as a share of what this machine can serve at all.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::Context;

pub struct Nginx {
    child: Child,
    pub url: String,
}

fn binary() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

pub fn available() -> bool {
    binary().is_some()
}

impl Nginx {
    /// Serves `body` as `content_type` at every path (the query string is ignored).
    pub async fn start(dir: &Path, body: &[u8], content_type: &str) -> anyhow::Result<Self> {
        let nginx = binary().context("nginx is not installed (scripts/bench-deps.sh)")?;
        let dir = dir.join("nginx");
        std::fs::create_dir_all(dir.join("tmp"))?;
        std::fs::write(dir.join("page"), body)?;
        // Free port: bind, read, release (nginx binds it a moment later).
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let d = dir.display();
        let conf = format!(
            "worker_processes 2;\n\
             daemon off;\n\
             pid {d}/nginx.pid;\n\
             error_log {d}/error.log warn;\n\
             events {{ worker_connections 4096; }}\n\
             http {{\n\
               access_log off;\n\
               keepalive_requests 1000000;\n\
               client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;\n\
               uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;\n\
               server {{\n\
                 listen 127.0.0.1:{port};\n\
                 location / {{ root {d}; default_type {content_type}; try_files /page =404; }}\n\
               }}\n\
             }}\n"
        );
        std::fs::write(dir.join("nginx.conf"), conf)?;
        let child = Command::new(nginx)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting nginx")?;
        let url = format!("http://127.0.0.1:{port}");
        let this = Self { child, url };
        let http = pupero_http::build_client("bench", reqwest::Client::builder())?;
        for _ in 0..50 {
            if let Ok(r) = http.get(format!("{}/offers", this.url)).send().await
                && r.status().is_success()
            {
                let served = r.bytes().await?;
                anyhow::ensure!(served.as_ref() == body, "nginx serves other bytes");
                return Ok(this);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!(
            "nginx did not come up: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        )
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGKILL reaches only the master; its workers notice the master is gone and exit.
        // A plain `kill` (SIGTERM) lets the master stop them itself.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}
