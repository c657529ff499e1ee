//! A local SMTP server that keeps every mail it is given (aiosmtpd from PyPI, installed by
//! `scripts/test-deps.sh`), so tests read what the platform sent: recipients, subject and
//! the decoded text.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// One captured mail.
#[derive(Debug, Clone, Deserialize)]
pub struct Mail {
    pub from: String,
    /// The envelope recipients.
    pub to: Vec<String>,
    pub subject: String,
    /// The text body, transfer encoding undone, with `\n` line ends.
    pub body: String,
}

impl Mail {
    /// The first `http(s)://` link in the body that contains `needle`.
    pub fn link_with(&self, needle: &str) -> Option<String> {
        self.body
            .split_whitespace()
            .find(|w| (w.starts_with("http://") || w.starts_with("https://")) && w.contains(needle))
            .map(|w| w.trim_end_matches(['.', ',', ')']).to_owned())
    }

    /// The `token` query parameter of the first link containing `needle`.
    pub fn token_in_link(&self, needle: &str) -> Option<String> {
        let link = self.link_with(needle)?;
        let (_, query) = link.split_once("token=")?;
        Some(query.split('&').next().unwrap_or_default().to_owned())
    }
}

const SERVER: &str = r#"
import asyncio, email, email.policy, json, sys, time
from aiosmtpd.controller import Controller

out, port = sys.argv[1], int(sys.argv[2])

class Keep:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        part = msg.get_body(preferencelist=("plain",))
        # SMTP carries CRLF line ends; tests read the text as written.
        body = part.get_content().replace("\r\n", "\n") if part is not None else ""
        with open(out, "a", encoding="utf-8") as f:
            f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                                "subject": str(msg.get("subject", "")), "body": body}) + "\n")
        return "250 OK"

controller = Controller(Keep(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

/// A running capture server; stopped when dropped.
pub struct MailCatcher {
    pub port: u16,
    file: PathBuf,
    _child: Child,
    _dir: PathBuf,
}

impl MailCatcher {
    pub async fn start() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "pupero-mail-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("mail.jsonl");
        std::fs::write(&file, "").unwrap();
        // A free port, asked of the OS (another process could take it before aiosmtpd
        // binds; the start is then retried with another).
        for _ in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = Command::new("python3")
                .arg("-c")
                .arg(SERVER)
                .arg(&file)
                .arg(port.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .kill_on_drop(true)
                .spawn()
                .expect("python3 runs (scripts/test-deps.sh installs aiosmtpd)");
            let stdout = child.stdout.take().unwrap();
            let mut lines = BufReader::new(stdout).lines();
            let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await;
            if let Ok(Ok(Some(line))) = ready
                && line.trim() == "ready"
            {
                return Self {
                    port,
                    file,
                    _child: child,
                    _dir: dir,
                };
            }
            let _ = child.kill().await;
        }
        panic!("the aiosmtpd capture server did not start (pip install aiosmtpd)");
    }

    /// The settings that send the platform's mail here.
    pub fn args(&self) -> Vec<String> {
        vec![
            "--smtp-url".into(),
            format!("smtp://127.0.0.1:{}", self.port),
        ]
    }

    /// Every mail so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        std::fs::read_to_string(&self.file)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits (polling, up to 30 s) for a mail to `to` whose subject contains `subject`.
    pub async fn wait_for(&self, to: &str, subject: &str) -> Mail {
        for _ in 0..300 {
            if let Some(m) = self
                .mails()
                .into_iter()
                .find(|m| m.to.iter().any(|t| t == to) && m.subject.contains(subject))
            {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no mail to {to} about {subject:?}; got {:?}", self.mails());
    }

    /// The mails to `to`.
    pub fn to(&self, to: &str) -> Vec<Mail> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .collect()
    }
}

impl Drop for MailCatcher {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}
