use std::process::ExitCode;

use clap::Parser;
use orderflow::cli::{run, Cli};

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            // One line, whatever the cause: libpq's messages, for one, span several.
            let reason: Vec<&str> = reason
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .collect();
            // Whatever a library put in it, the line shows no password.
            let reason = reason.join(" ");
            let reason = orderflow::redact::credentials(&reason);
            if orderflow::logging::json_output() {
                tracing::error!(%reason, "orderflow stopped");
            } else {
                eprintln!("orderflow: {reason}");
            }
            ExitCode::FAILURE
        }
    }
}
