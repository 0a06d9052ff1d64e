//! `trellis article import PATH...`: imports Markdown files (or folders of `*.md` files) as
//! articles, printing progress and a summary of what was imported and what was skipped, and
//! why.
//!
//! Front matter keys: `title` (required), `summary`, `category` (slug of an existing
//! category), `tags`, `official`, `must_read`, `pinned`, `review_by`, `status`, `slug`
//! (default: the file name) and `author` (a local username). Without `author`, the article is
//! written by `--author`, or else by the oldest admin.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use trellis_domain::services::ServiceError;
use trellis_domain::services::accounts;
use trellis_domain::services::articles::{self, ArticleInput, fields};
use trellis_domain::state::AppState;
use trellis_storage::models::Account;

use super::CliError;
use super::front_matter;
use super::progress::Progress;

#[derive(Debug, Subcommand)]
pub(super) enum ArticleCommand {
    /// Import Markdown files with front matter, or folders of them (*.md, recursively).
    Import {
        /// Files or folders.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Author of files without an `author` key (default: the oldest admin).
        #[arg(long, value_name = "USERNAME")]
        author: Option<String>,
        /// Status of files without a `status` key.
        #[arg(long, default_value = "published", value_parser = clap::builder::PossibleValuesParser::new(["draft", "published", "archived"]))]
        status: String,
    },
}

pub(super) async fn run(state: &AppState, command: ArticleCommand) -> Result<(), CliError> {
    match command {
        ArticleCommand::Import {
            paths,
            author,
            status,
        } => import(state, &paths, author, &status).await,
    }
}

/// One file that was not imported, and why.
struct Skipped {
    path: PathBuf,
    reason: String,
}

async fn import(
    state: &AppState,
    paths: &[PathBuf],
    author: Option<String>,
    status: &str,
) -> Result<(), CliError> {
    let files = collect(paths)?;
    if files.is_empty() {
        return Err(CliError::Usage(
            "no Markdown files found in the given paths".into(),
        ));
    }
    let default_author = default_author(state, author).await?;
    let total = files.len();
    let mut imported = 0usize;
    let mut skipped: Vec<Skipped> = Vec::new();
    let mut progress = Progress::new(total);
    for (index, path) in files.iter().enumerate() {
        let position = format!("[{}/{total}]", index + 1);
        match import_one(state, path, &default_author, status).await {
            Ok(page) => {
                imported += 1;
                progress.line(&format!("{position} imported {} -> {page}", path.display()));
            }
            Err(reason) => {
                progress.line(&format!("{position} skipped {}: {reason}", path.display()));
                skipped.push(Skipped {
                    path: path.clone(),
                    reason,
                });
            }
        }
        progress.advance();
    }
    progress.finish();
    println!();
    println!("imported {imported}, skipped {}", skipped.len());
    for skip in &skipped {
        println!("  skipped {}: {}", skip.path.display(), skip.reason);
    }
    if imported == 0 {
        return Err(CliError::Failed(format!(
            "nothing imported ({} file(s) skipped)",
            skipped.len()
        )));
    }
    Ok(())
}

/// The files named by `paths`: files as given, folders searched for `*.md`, sorted.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)
                .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
            found.sort();
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(CliError::Usage(format!(
                "{} does not exist",
                path.display()
            )));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The author of files without an `author` key: `--author`, else the oldest enabled admin.
async fn default_author(state: &AppState, author: Option<String>) -> Result<Account, CliError> {
    if let Some(name) = author {
        return match accounts::find(state, &name).await {
            Ok(person) => Ok(person.account),
            Err(ServiceError::NotFound(_)) => {
                Err(CliError::Usage(format!("--author: no local user {name:?}")))
            }
            Err(e) => Err(e.into()),
        };
    }
    accounts::list(state)
        .await?
        .into_iter()
        .find(|p| p.user.role == accounts::Role::Admin && !p.user.disabled)
        .map(|p| p.account)
        .ok_or_else(|| {
            CliError::Usage("no admin to write the articles: pass --author USERNAME".into())
        })
}

/// Imports one file; the article's page path, or why it was skipped.
async fn import_one(
    state: &AppState,
    path: &Path,
    default_author: &Account,
    status: &str,
) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("unreadable file ({e})"))?;
    let doc = front_matter::parse(&text);
    let Some(title) = doc.get("title") else {
        return Err("missing title".into());
    };
    let author = match doc.get("author") {
        Some(name) => match accounts::find(state, name).await {
            Ok(person) => person.account,
            Err(_) => return Err(format!("unknown author {name:?}")),
        },
        None => default_author.clone(),
    };
    let slug = match doc.get("slug") {
        Some(slug) => slug.to_string(),
        None => fields::slugify(
            &path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default(),
        ),
    };
    let input = ArticleInput {
        title: title.to_string(),
        summary: doc.get("summary").unwrap_or("").to_string(),
        body: doc.body.clone(),
        category: doc.get("category").map(str::to_string),
        tags: doc.list("tags"),
        official: doc.flag("official"),
        must_read: doc.flag("must_read"),
        pinned: doc.flag("pinned"),
        status: Some(doc.get("status").unwrap_or(status).to_string()),
        review_by: doc.get("review_by").map(str::to_string),
        slug: Some(slug.clone()),
        owner: doc.get("owner").map(str::to_string),
        change_note: Some(format!("imported from {}", path.display())),
        department_only: doc.get("visibility") == Some("department"),
    };
    match articles::create(state, &author, input).await {
        Ok(view) => Ok(format!("/articles/{}", view.article.slug)),
        Err(ServiceError::Invalid {
            field: "category", ..
        }) => Err(format!(
            "unknown category {:?}",
            doc.get("category").unwrap_or("")
        )),
        Err(ServiceError::Invalid { field: "slug", .. }) => Err(format!("duplicate slug {slug:?}")),
        Err(ServiceError::Invalid { field, message }) => Err(format!("{field} {message}")),
        Err(ServiceError::Forbidden(message)) => Err(format!("not allowed: {message}")),
        Err(e) => Err(e.to_string()),
    }
}
