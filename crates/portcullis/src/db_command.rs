//! `portcullis db`: the local advisory database (update, import, export, status).

use std::process::ExitCode;

use clap::Subcommand;

#[derive(Subcommand)]
pub enum DbCommand {
    /// Print the database's sources, record counts and age.
    Status,
}

pub fn run(command: DbCommand) -> ExitCode {
    match command {
        DbCommand::Status => {
            eprintln!("portcullis db: not built yet");
            ExitCode::from(2)
        }
    }
}
