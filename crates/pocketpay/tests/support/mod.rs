//! Starting `pocketpay serve` as a separate process, for the tests that run several of them (two
//! processes on one database, a failover under load). Each test crate that uses this also includes
//! the server tests' `common` harness, whose `TestApp` talks to the process.

use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::common::{TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD};

/// A running `pocketpay serve`; killed when dropped.
pub struct Process {
    pub child: Child,
    pub app: TestApp,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `pocketpay serve` in test mode on `dir` with the test operator and `env` (which names the
/// database, if any), logging to `dir/{name}.log`; the process's log if it refused to start.
pub fn serve(dir: &Path, name: &str, env: &[(&str, String)]) -> Result<Process, String> {
    let log = std::fs::File::create(dir.join(format!("{name}.log"))).map_err(|e| e.to_string())?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_pocketpay"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log));
    for var in ["POCKETPAY_LISTEN", "POCKETPAY_DATA_DIR", "POCKETPAY_MODE", "POCKETPAY_SECRET", "POCKETPAY_LOG"] {
        command.env_remove(var);
    }
    command
        .env("POCKETPAY_OPERATOR_EMAIL", OPERATOR_EMAIL)
        .env("POCKETPAY_OPERATOR_PASSWORD", OPERATOR_PASSWORD)
        .env("POCKETPAY_PROCESS_NAME", name);
    for (var, value) in env {
        command.env(var, value);
    }
    let mut child = command.spawn().map_err(|e| e.to_string())?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    let _ = std::io::BufReader::new(stdout).read_line(&mut line);
    let Some(base) = line.split_whitespace().find(|w| w.starts_with("http://")) else {
        let _ = child.wait();
        return Err(std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default());
    };
    Ok(Process { child, app: TestApp::at(base.to_owned(), dir.to_path_buf()) })
}
