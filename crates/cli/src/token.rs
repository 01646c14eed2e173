//! `breachwatch token`: API tokens for the server. A token is printed
//! once, when created; the store keeps its SHA-256 only. Creating and
//! revoking are recorded in the system audit log with `--actor`.

use anyhow::{anyhow, Result};
use bw_store::Role;
use clap::{Args, Subcommand};

use crate::incident::{connect, print_json, StoreArgs};

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token; prints it alone on stdout (the only time it is shown).
    Create(CreateArgs),
    /// List tokens (ids, names, roles, expiry; never the secrets).
    List(ListArgs),
    /// Revoke a token by id; its sessions end too.
    Revoke(RevokeArgs),
}

#[derive(Args, Debug)]
pub struct CreateArgs {
    /// viewer, analyst or admin.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// A name saying who or what uses it.
    #[arg(long, default_value = "api")]
    name: String,
    /// Lifetime: `30d`, or `never` [default: never].
    #[arg(long, value_parser = parse_days)]
    expires: Option<Days>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct RevokeArgs {
    id: String,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Clone, Copy, Debug)]
pub struct Days(Option<u32>);

pub(crate) fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|e: bw_store::StoreError| e.to_string())
}

fn parse_days(s: &str) -> Result<Days, String> {
    if s == "never" {
        return Ok(Days(None));
    }
    s.strip_suffix('d')
        .unwrap_or(s)
        .parse::<u32>()
        .ok()
        .filter(|d| *d > 0)
        .map(|d| Days(Some(d)))
        .ok_or_else(|| format!("{s:?} is not a lifetime like 30d or never"))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

pub fn run(cmd: TokenCommand) -> Result<u8> {
    runtime()?.block_on(async {
        match cmd {
            TokenCommand::Create(a) => {
                let s = connect(&a.store).await?;
                let days = a.expires.and_then(|d| d.0);
                let res =
                    bw_serve::routes::admin::create(&s.store, &a.name, a.role, days, &s.actor)
                        .await;
                s.store.close().await;
                let created = res.map_err(|e| anyhow!("{e}"))?;
                let token = created["token"].as_str().unwrap_or_default();
                eprintln!(
                    "breachwatch: token {} ({}, {}) created; it is shown only now",
                    created["id"].as_str().unwrap_or_default(),
                    a.role,
                    created["expires_at"]
                        .as_str()
                        .map_or("no expiry".to_string(), |e| format!("expires {e}")),
                );
                println!("{token}");
                Ok(0)
            }
            TokenCommand::List(a) => {
                let s = connect(&a.store).await?;
                let res = s.store.tokens().await;
                s.store.close().await;
                let all = res?;
                if a.json {
                    print_json(&all)?;
                    return Ok(0);
                }
                println!(
                    "{:<16} {:<8} {:<28} {:<28} NAME",
                    "ID", "ROLE", "EXPIRES", "REVOKED"
                );
                for t in &all {
                    println!(
                        "{:<16} {:<8} {:<28} {:<28} {}",
                        t.id,
                        t.role,
                        t.expires_at.as_deref().unwrap_or("never"),
                        t.revoked_at.as_deref().unwrap_or("-"),
                        t.name
                    );
                }
                Ok(0)
            }
            TokenCommand::Revoke(a) => {
                let s = connect(&a.store).await?;
                let res = s.store.revoke_token(&a.id, &s.actor).await;
                s.store.close().await;
                if res? {
                    println!("revoked {}", a.id);
                    Ok(0)
                } else {
                    Err(anyhow!("no active token {}", a.id))
                }
            }
        }
    })
}
