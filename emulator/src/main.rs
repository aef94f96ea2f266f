//! `bitrix24-emulator`: runs the emulated portal until interrupted. The first line printed is
//! the base URL; the following lines give the webhook URLs and a pair of OAuth tokens.

use std::process::ExitCode;

use bitrix24_emulator::{parse_args, Command, Config, Emulator, UsageError};

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Run(config)) => config,
        Ok(Command::Help(text) | Command::Version(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(UsageError::EXIT_CODE);
        }
    };
    let webhooks = config.webhooks.clone();
    let load = describe_load(&config);
    let emulator = match Emulator::start(*config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("bitrix24-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let base = emulator.base_url().to_owned();
    println!("{base}");
    for hook in &webhooks {
        println!("webhook: {base}/rest/{}/{}/", hook.user_id, hook.secret);
    }
    let tokens = emulator.issue_tokens(webhooks.first().map_or(1, |w| w.user_id));
    println!(
        "oauth: access_token={} refresh_token={}",
        tokens.access_token, tokens.refresh_token
    );
    println!("{load}");
    println!("ready (Ctrl-C stops)");
    // The default SIGINT/SIGTERM behaviour ends the process; nothing needs flushing.
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

/// One line on the load model in force, with the scaled figures a client should assume.
fn describe_load(config: &Config) -> String {
    let bucket = config.scaled_rate_limit().map_or("off".to_owned(), |r| {
        format!("{} drained {}/s", r.burst, r.drain_per_sec)
    });
    let deals = config
        .generate_deals
        .map_or(String::new(), |n| format!(", {n} synthetic deals"));
    format!(
        "profile: {} (time scale {}: operating budget {} s per {} s per method, bucket {bucket}{deals})",
        config.profile,
        config.scale(),
        config.scaled_operating_budget().as_secs_f64(),
        config.scaled_operating_window().as_secs_f64(),
    )
}
