use std::process::ExitCode;

use clap::Parser;
use orderflow::cli::{run, Cli};

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("orderflow: {reason}");
            ExitCode::FAILURE
        }
    }
}
