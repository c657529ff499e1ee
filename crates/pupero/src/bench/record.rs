//! What the bench prints, kept so that `--record FILE` can add the run to
//! docs/BENCHMARKS.md with the machine it ran on. Figures move a lot between machines of
//! one kind (and with what else the machine is doing), so a figure is only worth keeping
//! beside the machine's description and its load while it was measured.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::sync::Mutex;

use anyhow::Context;

static PRINTED: Mutex<String> = Mutex::new(String::new());

/// Prints a line of the bench's output and keeps it for the record.
pub fn line(text: &str) {
    println!("{text}");
    let mut printed = PRINTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    printed.push_str(text);
    printed.push('\n');
}

/// The machine as `/proc` describes it, and its load average now.
#[derive(Debug, Clone)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_gib: u64,
    pub kernel: String,
    pub load: String,
}

impl Machine {
    pub fn now() -> Self {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpu = read("/proc/cpuinfo")
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|l| l.trim_start_matches([' ', '\t', ':']).trim().to_owned())
            .unwrap_or_else(|| "unknown CPU".into());
        let memory_kib: u64 = read("/proc/meminfo")
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|l| l.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        Self {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            memory_gib: memory_kib.div_ceil(1024 * 1024),
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
            load: load_average(),
        }
    }
}

/// The 1, 5 and 15 minute load averages, e.g. `0.42 0.61 0.70`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The section `--record` appends: the command, the machine, the load before and after,
/// and everything the run printed.
pub fn section(command: &str, machine: &Machine, load_after: &str, today: &str) -> String {
    let printed = PRINTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut s = String::new();
    let _ = writeln!(s, "\n## {today}: recorded by `pupero bench`\n");
    let _ = writeln!(s, "Command: `{command}`\n");
    let _ = writeln!(
        s,
        "Machine: {} cores of {}, {} GiB RAM, Linux {}; {} build. Load average (1, 5, 15 min) \
         {} at the start, {} at the end.\n",
        machine.cores,
        machine.cpu,
        machine.memory_gib,
        machine.kernel,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "optimised"
        },
        machine.load,
        load_after,
    );
    let _ = writeln!(s, "```text\n{}```", printed.as_str());
    s
}

/// Appends the run to `path` (docs/BENCHMARKS.md).
pub fn append(path: &Path, command: &str, machine: &Machine) -> anyhow::Result<()> {
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let text = section(command, machine, &load_average(), &today);
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .with_context(|| format!("appending the figures to {}", path.display()))?;
    println!("recorded in {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_section_names_the_command_the_machine_and_holds_what_was_printed() {
        line("| scenario | req/s |");
        line("| GET /offers | 123 |");
        let machine = Machine {
            cpu: "AMD EPYC".into(),
            cores: 2,
            memory_gib: 24,
            kernel: "6.18".into(),
            load: "0.10 0.20 0.30".into(),
        };
        let s = section(
            "pupero bench --hot-paths-only",
            &machine,
            "1.90 0.80 0.40",
            "2026-12-03",
        );
        assert!(
            s.contains("## 2026-12-03: recorded by `pupero bench`"),
            "{s}"
        );
        assert!(
            s.contains("Command: `pupero bench --hot-paths-only`"),
            "{s}"
        );
        assert!(
            s.contains("2 cores of AMD EPYC, 24 GiB RAM, Linux 6.18"),
            "{s}"
        );
        assert!(
            s.contains("0.10 0.20 0.30 at the start, 1.90 0.80 0.40 at the end"),
            "{s}"
        );
        assert!(
            s.contains("```text\n| scenario | req/s |\n| GET /offers | 123 |\n```"),
            "{s}"
        );
    }

    #[test]
    fn the_machine_is_read_from_proc() {
        let m = Machine::now();
        assert!(m.cores >= 1);
        assert_eq!(m.load.split_whitespace().count(), 3, "{}", m.load);
    }
}
