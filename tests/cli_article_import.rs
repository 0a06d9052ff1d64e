//! `trellis article import`: a folder with a good file, a file without a title and a file
//! with an unknown category; progress, summary, exit codes, and the articles stored.

use crate::common;

use std::process::{Command, Output, Stdio};

use common::TestDb;
use trellis::config::DatabaseUrl;
use trellis::db::models::article::{Article, ArticleFilter, ArticleStatus};
use trellis::db::page::Window;
use trellis::db::{Database, OpenMode};

const BIN: &str = env!("CARGO_BIN_EXE_trellis");

fn trellis(db: &TestDb, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TRELLIS_DATABASE_URL", &db.url)
        .env("TRELLIS_DOMAIN", "cli.example")
        .env("TRELLIS_TEST_KEY_POOL", federation_tests::KEY_POOL)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("trellis runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn write(dir: &std::path::Path, name: &str, content: &str) {
    std::fs::write(dir.join(name), content).unwrap();
}

async fn stored(db: &TestDb) -> Vec<Article> {
    let db = Database::open(&DatabaseUrl::parse(&db.url).unwrap(), OpenMode::MustExist).unwrap();
    let filter = ArticleFilter {
        statuses: vec![ArticleStatus::Published, ArticleStatus::Draft],
        ..Default::default()
    };
    let rows = db
        .read(move |conn| Article::list(conn, &filter, Window::latest(100)))
        .await
        .unwrap();
    db.close().await.unwrap();
    rows
}

#[tokio::test]
async fn imports_a_folder_and_reports_what_it_skipped() {
    let db = TestDb::new();
    let migrate = trellis(&db, &["migrate"]);
    assert!(migrate.status.success(), "{}", text(&migrate));
    let created = trellis(
        &db,
        &[
            "user",
            "create",
            "ed",
            "--email",
            "ed@corp.example",
            "--role",
            "admin",
        ],
    );
    assert!(created.status.success(), "{}", text(&created));

    let dir = tempfile::tempdir().unwrap();
    let handbook = dir.path().join("handbook");
    std::fs::create_dir(&handbook).unwrap();
    write(
        &handbook,
        "onboarding.md",
        "---\ntitle: \"Onboarding: your first week\"\nsummary: Everything new staff need\n\
         tags: [hr, onboarding]\nofficial: true\nmust_read: yes\n---\n\n# Welcome\n\nHello.\n",
    );
    write(
        &handbook,
        "untitled.md",
        "---\nsummary: no title here\n---\nBody\n",
    );
    write(
        &handbook,
        "travel.md",
        "---\ntitle: Travel\ncategory: nonexistent\n---\nBody\n",
    );
    write(&handbook, "notes.txt", "not Markdown, not imported");

    let output = trellis(&db, &["article", "import", handbook.to_str().unwrap()]);
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    assert!(out.contains("[1/3] imported"), "{out}");
    assert!(
        out.contains("onboarding.md -> /articles/onboarding"),
        "{out}"
    );
    assert!(out.contains("imported 1, skipped 2"), "{out}");
    assert!(out.contains("untitled.md: missing title"), "{out}");
    assert!(
        out.contains("travel.md: unknown category \"nonexistent\""),
        "{out}"
    );
    assert!(!out.contains("notes.txt"), "{out}");

    let articles = stored(&db).await;
    assert_eq!(articles.len(), 1);
    let article = &articles[0];
    assert_eq!(article.slug, "onboarding");
    assert_eq!(article.title, "Onboarding: your first week");
    assert_eq!(article.summary, "Everything new staff need");
    assert_eq!(article.status, ArticleStatus::Published);
    assert!(article.official && article.must_read);
    assert!(article.post_id.is_some(), "published articles get a status");
    assert!(article.body_html.contains("<h1>Welcome</h1>"));

    // Again: the same slug is skipped, nothing new is imported, the exit code says so.
    let again = trellis(
        &db,
        &[
            "article",
            "import",
            handbook.join("onboarding.md").to_str().unwrap(),
        ],
    );
    let out = text(&again);
    assert_eq!(again.status.code(), Some(1), "{out}");
    assert!(out.contains("duplicate slug \"onboarding\""), "{out}");
    assert!(out.contains("imported 0, skipped 1"), "{out}");

    // Wrong arguments: exit code 2.
    let missing = trellis(&db, &["article", "import", "/nonexistent/path"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    let author = trellis(
        &db,
        &[
            "article",
            "import",
            "--author",
            "nobody",
            handbook.to_str().unwrap(),
        ],
    );
    assert_eq!(author.status.code(), Some(2), "{}", text(&author));
    assert!(text(&author).contains("nobody"));
    assert_eq!(stored(&db).await.len(), 1);
}

#[test]
fn without_an_admin_the_author_must_be_named() {
    let db = TestDb::new();
    assert!(trellis(&db, &["migrate"]).status.success());
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", "---\ntitle: A\n---\nBody\n");
    let output = trellis(&db, &["article", "import", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("--author"), "{}", text(&output));

    let created = trellis(
        &db,
        &["user", "create", "mia", "--email", "mia@corp.example"],
    );
    assert!(created.status.success(), "{}", text(&created));
    let output = trellis(
        &db,
        &[
            "article",
            "import",
            "--author",
            "mia",
            "--status",
            "draft",
            dir.path().to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("-> /articles/a"),
        "{}",
        text(&output)
    );
}
