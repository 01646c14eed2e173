//! `breachwatch user`: local users of the server's login. Passwords are
//! read from a prompt (echo off on a terminal) or, with
//! `--password-stdin`, from the first line of stdin; never from a flag,
//! which would put them in shell history and `ps`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{anyhow, bail, Context, Result};
use bw_store::Role;
use clap::{Args, Subcommand};

use crate::incident::{connect, print_json, StoreArgs};
use crate::token::parse_role;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user (Argon2id password hash).
    Add(AddArgs),
    /// List users (no password hashes).
    List(ListArgs),
    /// Disable a user; their sessions end.
    Disable(DisableArgs),
}

#[derive(Args, Debug)]
pub struct AddArgs {
    name: String,
    /// viewer, analyst or admin.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// Read the password from the first line of stdin.
    #[arg(long)]
    password_stdin: bool,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct DisableArgs {
    name: String,
    #[command(flatten)]
    store: StoreArgs,
}

fn read_password(from_stdin: bool) -> Result<String> {
    let stdin = std::io::stdin();
    if !from_stdin && !stdin.is_terminal() {
        bail!("no terminal to prompt on: pipe the password with --password-stdin");
    }
    let echo_off = !from_stdin && set_echo(false);
    if !from_stdin {
        eprint!("password: ");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    let res = stdin.lock().read_line(&mut line);
    if echo_off {
        set_echo(true);
        eprintln!();
    }
    res.context("reading the password")?;
    let pw = line.trim_end_matches(['\r', '\n']).to_string();
    if pw.chars().count() < bw_serve::routes::admin::MIN_PASSWORD {
        bail!(
            "a password needs at least {} characters",
            bw_serve::routes::admin::MIN_PASSWORD
        );
    }
    Ok(pw)
}

/// Terminal echo on or off through `stty` (no extra crate for one prompt).
fn set_echo(on: bool) -> bool {
    std::process::Command::new("stty")
        .arg(if on { "echo" } else { "-echo" })
        .stdin(std::process::Stdio::inherit())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn run(cmd: UserCommand) -> Result<u8> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        match cmd {
            UserCommand::Add(a) => {
                let pw = read_password(a.password_stdin)?;
                let hash = bw_serve::hash_password(&pw).map_err(|e| anyhow!("{e}"))?;
                let s = connect(&a.store).await?;
                let res = s.store.add_user(&a.name, a.role, &hash, &s.actor).await;
                s.store.close().await;
                res?;
                println!("added user {} ({})", a.name, a.role);
                Ok(0)
            }
            UserCommand::List(a) => {
                let s = connect(&a.store).await?;
                let res = s.store.users().await;
                s.store.close().await;
                let all = res?;
                if a.json {
                    print_json(&all)?;
                    return Ok(0);
                }
                println!("{:<24} {:<8} DISABLED", "NAME", "ROLE");
                for u in &all {
                    println!(
                        "{:<24} {:<8} {}",
                        u.name,
                        u.role,
                        u.disabled_at.as_deref().unwrap_or("-")
                    );
                }
                Ok(0)
            }
            UserCommand::Disable(a) => {
                let s = connect(&a.store).await?;
                let res = s.store.disable_user(&a.name, &s.actor).await;
                s.store.close().await;
                if res? {
                    println!("disabled {}", a.name);
                    Ok(0)
                } else {
                    Err(anyhow!("no enabled user {}", a.name))
                }
            }
        }
    })
}
