//! `trellis user ...`: create, list, set-profile, set-password, disable, enable, delete, role.

use std::io::Read;

use clap::Subcommand;

use trellis_domain::services::account_deletion;
use trellis_domain::services::accounts::{self, NewPerson, Role};
use trellis_domain::services::audit::Acting;
use trellis_domain::services::moderation;
use trellis_domain::services::passwords;
use trellis_domain::services::work_profile::{self, WorkProfile};
use trellis_domain::state::AppState;

use super::CliError;

#[derive(Debug, Subcommand)]
pub(super) enum UserCommand {
    /// Create a local person. Without --password-stdin a random password is generated and printed.
    Create {
        /// Lowercase letters, digits and underscore.
        username: String,
        /// Email address.
        #[arg(long)]
        email: String,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
        /// admin, moderator, editor or member.
        #[arg(long, default_value = "member", value_parser = clap::builder::PossibleValuesParser::new(["admin", "moderator", "editor", "member"]))]
        role: String,
        /// Department or subsidiary.
        #[arg(long)]
        department: Option<String>,
        /// Display name (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
        /// Job title.
        #[arg(long)]
        job_title: Option<String>,
        /// Expertise tag; repeat for several.
        #[arg(long = "expertise", value_name = "TAG")]
        expertise: Vec<String>,
        /// Where the person works (an office, a city).
        #[arg(long)]
        location: Option<String>,
    },
    /// Set where a person works and whether the directory lists them (an empty value clears a
    /// field; fields not given stay as they are).
    SetProfile {
        /// The person.
        username: String,
        /// Department or subsidiary.
        #[arg(long)]
        department: Option<String>,
        /// Job title.
        #[arg(long)]
        job_title: Option<String>,
        /// Where the person works (an office, a city).
        #[arg(long)]
        location: Option<String>,
        /// Listed in the directory and found by department (true or false).
        #[arg(long)]
        discoverable: Option<bool>,
    },
    /// List local people.
    List,
    /// Set a person's password. Without --password-stdin a random one is generated and printed.
    SetPassword {
        /// The person.
        username: String,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a person: they cannot sign in and their profile disappears.
    Disable {
        /// The person.
        username: String,
    },
    /// Delete a person: followers on other servers are told, posts become tombstones.
    Delete {
        /// The person.
        username: String,
    },
    /// Enable a disabled person again.
    Enable {
        /// The person.
        username: String,
    },
    /// Give a person a role: admin, moderator, editor or member.
    Role {
        /// The person.
        username: String,
        /// admin, moderator, editor or member.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(["admin", "moderator", "editor", "member"]))]
        role: String,
    },
}

pub(super) async fn run(state: &AppState, command: UserCommand) -> Result<(), CliError> {
    match command {
        UserCommand::Create {
            username,
            email,
            password_stdin,
            role,
            department,
            display_name,
            job_title,
            expertise,
            location,
        } => {
            let (password, generated) = password_from(password_stdin)?;
            let role: Role = role.parse().map_err(CliError::Usage)?;
            let created = accounts::create(
                state,
                NewPerson {
                    username,
                    email,
                    password: Some(password.clone()),
                    role: Some(role),
                    display_name,
                    department,
                    job_title,
                    location,
                    expertise,
                },
            )
            .await?;
            println!(
                "created {} <{}> as {} ({})",
                created.account.username,
                created.user.email,
                created.user.role,
                created.account.uri
            );
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        UserCommand::List => {
            let people = accounts::list(state).await?;
            println!(
                "{:<24} {:<8} {:<32} {:<20} {:<9} CREATED",
                "USERNAME", "ROLE", "EMAIL", "DEPARTMENT", "STATUS"
            );
            for person in people {
                println!(
                    "{:<24} {:<8} {:<32} {:<20} {:<9} {}",
                    person.account.username,
                    person.user.role,
                    person.user.email,
                    person.account.department.as_deref().unwrap_or("-"),
                    if person.account.suspended_at.is_some() {
                        "suspended"
                    } else if person.user.disabled {
                        "disabled"
                    } else {
                        "active"
                    },
                    person.user.created_at.format("%Y-%m-%d %H:%M"),
                );
            }
            Ok(())
        }
        UserCommand::SetPassword {
            username,
            password_stdin,
        } => {
            let (password, generated) = password_from(password_stdin)?;
            accounts::set_password(state, &username, password.clone()).await?;
            println!("password of {username} changed");
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        UserCommand::SetProfile {
            username,
            department,
            job_title,
            location,
            discoverable,
        } => {
            let change = WorkProfile {
                department,
                job_title,
                location,
                discoverable,
            };
            if change.is_empty() {
                return Err(CliError::Usage(
                    "give at least one of --department, --job-title, --location, --discoverable"
                        .into(),
                ));
            }
            let person = accounts::find(state, &username).await?;
            let account = work_profile::update(state, person.account.id, change).await?;
            println!(
                "{username}: department {}, job title {}, location {}, {}",
                account.department.as_deref().unwrap_or("-"),
                account.job_title.as_deref().unwrap_or("-"),
                account.location.as_deref().unwrap_or("-"),
                if account.discoverable {
                    "listed in the directory"
                } else {
                    "not listed in the directory"
                }
            );
            Ok(())
        }
        UserCommand::Disable { username } => {
            accounts::set_disabled(state, &Acting::cli(), &username, true, None).await?;
            println!("{username} is disabled");
            Ok(())
        }
        UserCommand::Delete { username } => {
            let queued = account_deletion::delete(state, &username).await?;
            println!("{username} is deleted; the deletion is queued for {queued} remote inbox(es)");
            Ok(())
        }
        UserCommand::Enable { username } => {
            accounts::set_disabled(state, &Acting::cli(), &username, false, None).await?;
            println!("{username} is enabled");
            Ok(())
        }
        UserCommand::Role { username, role } => {
            let role: Role = role.parse().map_err(CliError::Usage)?;
            let old = moderation::set_role(state, &Acting::cli(), &username, role).await?;
            println!("{username} is now {role} (was {old})");
            Ok(())
        }
    }
}

/// The password read from stdin, or a generated one; the flag tells which.
fn password_from(stdin: bool) -> Result<(String, bool), CliError> {
    if !stdin {
        return Ok((passwords::generate(), true));
    }
    let mut input = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut input)
        .map_err(|e| CliError::Usage(format!("cannot read the password from stdin: {e}")))?;
    let password = input.lines().next().unwrap_or("").to_string();
    if password.is_empty() {
        return Err(CliError::Usage(
            "--password-stdin was given but standard input held no password".into(),
        ));
    }
    Ok((password, false))
}
