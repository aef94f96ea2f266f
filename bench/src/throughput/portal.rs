//! The emulated portal of the benchmark, in a child process of its own: this binary re-run as
//! `bitrix-bench emulator ARGS…`, which serves the emulator with the emulator's own arguments.

use std::ffi::OsString;
use std::process::{ExitCode, Stdio};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::Args;

/// A running emulator process; killed when dropped.
pub struct Portal {
    /// Its webhook URL.
    pub webhook: String,
    _child: Child,
}

impl Portal {
    /// Starts the portal the arguments describe and waits until it serves.
    pub async fn start(args: &Args) -> Result<Portal, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
        let mut child = Command::new(exe)
            .arg("emulator")
            .args(["--port", "0", "--profile", &args.profile])
            .args(["--generate-deals", &args.rows.to_string()])
            .args(["--time-scale", &args.time_scale.to_string()])
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        let stdout = child.stdout.take().ok_or("the emulator has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut webhook = None;
        while let Some(line) = lines
            .next_line()
            .await
            .map_err(|e| format!("reading the emulator: {e}"))?
        {
            if let Some(url) = line.strip_prefix("webhook: ") {
                webhook.get_or_insert_with(|| url.to_owned());
            }
            if line.starts_with("ready") {
                break;
            }
        }
        let webhook = webhook.ok_or("the emulator ended before it served")?;
        // Its later output is not read; it writes nothing more.
        Ok(Portal {
            webhook,
            _child: child,
        })
    }
}

/// `bitrix-bench emulator ARGS…`: the emulator, with its own arguments, until killed. Prints
/// the webhook URL, then `ready`.
pub fn serve(args: Vec<OsString>) -> ExitCode {
    let config = match bitrix24_emulator::parse_args(args) {
        Ok(bitrix24_emulator::Command::Run(config)) => config,
        Ok(_) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let emulator = match bitrix24_emulator::Emulator::start(*config).await {
            Ok(e) => e,
            Err(e) => {
                eprintln!("the emulator did not start: {e}");
                return ExitCode::FAILURE;
            }
        };
        match emulator.webhook_url() {
            Some(url) => println!("webhook: {url}"),
            None => {
                eprintln!("the emulator has no webhook");
                return ExitCode::FAILURE;
            }
        }
        println!("ready");
        std::future::pending::<ExitCode>().await
    })
}
