//! The `trellis` command: exit codes and messages, and a served instance's lifecycle.

use crate::common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_trellis");

fn trellis(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TRELLIS_DATABASE_URL", &db.url)
        .env("TRELLIS_DOMAIN", "cli.example")
        .env("TRELLIS_TEST_KEY_POOL", federation_tests::KEY_POOL)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("trellis runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string()
}

#[test]
fn user_lifecycle_through_the_cli() {
    let db = TestDb::empty();
    let migrate = trellis(&db, &["migrate"], None);
    assert!(migrate.status.success(), "{}", stderr(&migrate));
    assert!(stdout(&migrate).contains("applied"), "{}", stdout(&migrate));
    let again = trellis(&db, &["migrate"], None);
    assert!(stdout(&again).contains("up to date"), "{}", stdout(&again));

    let created = trellis(
        &db,
        &[
            "user",
            "create",
            "alice",
            "--email",
            "Alice@Corp.Example",
            "--password-stdin",
            "--role",
            "editor",
            "--department",
            "Finance",
        ],
        Some("a long enough password\n"),
    );
    assert!(created.status.success(), "{}", stderr(&created));
    assert!(stdout(&created).contains("https://cli.example/users/alice"));
    assert!(!stdout(&created).contains("a long enough password"));

    let generated = trellis(
        &db,
        &["user", "create", "bob", "--email", "bob@corp.example"],
        None,
    );
    assert!(generated.status.success(), "{}", stderr(&generated));
    assert!(
        stdout(&generated).contains("password: "),
        "a generated password is shown once"
    );

    let list = trellis(&db, &["user", "list"], None);
    let listing = stdout(&list);
    assert!(
        listing.contains("alice")
            && listing.contains("editor")
            && listing.contains("alice@corp.example")
    );
    assert!(listing.contains("Finance"));
    assert!(listing.contains("bob"));

    let reset = trellis(
        &db,
        &["user", "set-password", "alice", "--password-stdin"],
        Some("another password\n"),
    );
    assert!(reset.status.success(), "{}", stderr(&reset));

    let disable = trellis(&db, &["user", "disable", "bob"], None);
    assert!(disable.status.success(), "{}", stderr(&disable));
    let list = stdout(&trellis(&db, &["user", "list"], None));
    let bob_line = list.lines().find(|l| l.starts_with("bob")).unwrap();
    assert!(bob_line.contains("disabled"), "{bob_line}");
}

#[test]
fn cli_errors_are_clear_and_fail() {
    let db = TestDb::new();
    assert!(trellis(&db, &["migrate"], None).status.success());
    let first = trellis(
        &db,
        &["user", "create", "alice", "--email", "alice@corp.example"],
        None,
    );
    assert!(first.status.success(), "{}", stderr(&first));

    let duplicate = trellis(
        &db,
        &["user", "create", "alice", "--email", "other@corp.example"],
        None,
    );
    assert_eq!(duplicate.status.code(), Some(1));
    assert!(
        stderr(&duplicate).contains("username \"alice\" is already taken"),
        "{}",
        stderr(&duplicate)
    );

    let same_email = trellis(
        &db,
        &["user", "create", "alice2", "--email", "ALICE@corp.example"],
        None,
    );
    assert_eq!(same_email.status.code(), Some(1));
    assert!(
        stderr(&same_email).contains("already in use"),
        "{}",
        stderr(&same_email)
    );

    let bad_email = trellis(
        &db,
        &["user", "create", "carol", "--email", "not-an-email"],
        None,
    );
    assert_eq!(bad_email.status.code(), Some(2));
    assert!(
        stderr(&bad_email).contains("email is not a valid email address"),
        "{}",
        stderr(&bad_email)
    );

    let bad_name = trellis(
        &db,
        &["user", "create", "Carol!", "--email", "carol@corp.example"],
        None,
    );
    assert_eq!(bad_name.status.code(), Some(2));
    assert!(
        stderr(&bad_name).contains("username may contain only"),
        "{}",
        stderr(&bad_name)
    );

    let bad_role = trellis(
        &db,
        &[
            "user",
            "create",
            "dave",
            "--email",
            "d@corp.example",
            "--role",
            "king",
        ],
        None,
    );
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(stderr(&bad_role).contains("king"), "{}", stderr(&bad_role));

    let short = trellis(
        &db,
        &["user", "set-password", "alice", "--password-stdin"],
        Some("short\n"),
    );
    assert_eq!(short.status.code(), Some(2));
    assert!(
        stderr(&short).contains("password must be at least 8 characters"),
        "{}",
        stderr(&short)
    );

    let empty = trellis(
        &db,
        &["user", "set-password", "alice", "--password-stdin"],
        Some(""),
    );
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("standard input held no password"));

    let nobody = trellis(&db, &["user", "disable", "nobody"], None);
    assert_eq!(nobody.status.code(), Some(1));
    assert!(
        stderr(&nobody).contains("no local user named \"nobody\""),
        "{}",
        stderr(&nobody)
    );
}

#[test]
fn missing_sqlite_database_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.db");
    let output = Command::new(BIN)
        .args(["user", "list"])
        .env(
            "TRELLIS_DATABASE_URL",
            format!("sqlite://{}", missing.display()),
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("absent.db") && message.contains("does not exist"),
        "{message}"
    );
    assert!(
        !missing.exists(),
        "user commands must not create a database"
    );
}

#[test]
fn unreachable_postgres_is_reported() {
    let output = Command::new(BIN)
        .args(["user", "list"])
        .env(
            "TRELLIS_DATABASE_URL",
            "postgres://trellis:secret-pw@127.0.0.1:1/none",
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("cannot open database"), "{message}");
    assert!(
        message.contains("127.0.0.1") && message.contains("1"),
        "the cause is named: {message}"
    );
    assert!(
        !message.contains("secret-pw"),
        "passwords never reach the terminal: {message}"
    );
}

#[test]
fn invalid_configuration_stops_with_exit_code_2() {
    let cases = [
        ("TRELLIS_DOMAIN", "https://bad.example/path"),
        ("TRELLIS_LISTEN", "everywhere"),
        ("TRELLIS_DATABASE_URL", "mysql://db"),
        ("TRELLIS_ALLOW_HTTP", "perhaps"),
        ("TRELLIS_REGISTRATIONS", "sometimes"),
    ];
    for (key, value) in cases {
        for args in [&["config", "check"][..], &["serve"][..]] {
            let output = Command::new(BIN)
                .args(args)
                .env(key, value)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(2), "{key}={value} {args:?}");
            let message = stderr(&output);
            assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
            assert!(
                message.contains(key) && message.contains(value),
                "{message}"
            );
        }
    }
}

#[test]
fn config_check_reads_a_file_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("trellis.toml");
    std::fs::write(
        &file,
        "domain = \"hr.corp.example\"\ndatabase_url = \"postgres://app:hunter2@db/trellis\"\n[instance]\nname = \"HR\"\nregistrations = \"invite\"\n",
    )
    .unwrap();
    let output = Command::new(BIN)
        .args(["--config", file.to_str().unwrap(), "config", "check"])
        .env("TRELLIS_LISTEN", "0.0.0.0:9000")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("hr.corp.example") && text.contains("0.0.0.0:9000"),
        "{text}"
    );
    assert!(text.contains("invite") && text.contains("HR"));
    assert!(!text.contains("hunter2"), "{text}");

    std::fs::write(&file, "domain = [1, 2]\n").unwrap();
    let bad = Command::new(BIN)
        .args(["--config", file.to_str().unwrap(), "config", "check"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("trellis.toml"), "{}", stderr(&bad));

    let absent = Command::new(BIN)
        .args(["config", "check"])
        .env("TRELLIS_CONFIG", dir.path().join("nope.toml"))
        .output()
        .unwrap();
    assert_eq!(absent.status.code(), Some(2));
    assert!(stderr(&absent).contains("nope.toml"));
}

#[test]
fn help_is_available_everywhere() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["config", "check", "--help"],
        &["user", "--help"],
        &["user", "create", "--help"],
        &["user", "set-password", "--help"],
    ] {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(stdout(&output).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn serve_creates_the_database_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("fresh/trellis.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(BIN)
        .arg("serve")
        .env(
            "TRELLIS_DATABASE_URL",
            format!("sqlite://{}", db_path.display()),
        )
        .env("TRELLIS_LISTEN", format!("127.0.0.1:{port}"))
        .env("TRELLIS_DOMAIN", format!("localhost:{port}"))
        .env("TRELLIS_ALLOW_HTTP", "true")
        .env("TRELLIS_TEST_KEY_POOL", federation_tests::KEY_POOL)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/health");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let healthy = loop {
        if let Ok(response) = plain_http::get_status(&url) {
            break response;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "instance did not come up"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(healthy, 200);
    assert!(
        db_path.exists(),
        "the SQLite file is created on first start"
    );

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "exit status {:?}", output.status);
    let log = stderr(&output);
    assert!(log.contains("stopped cleanly"), "{log}");
    let wal = dir.path().join("fresh/trellis.db-wal");
    assert!(
        !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "the write-ahead log is checkpointed on shutdown"
    );
}

mod plain_http {
    //! A minimal blocking GET over std, to keep this test free of an async runtime.
    use std::io::{Read, Write};

    pub fn get_status(url: &str) -> std::io::Result<u16> {
        let rest = url.strip_prefix("http://").unwrap();
        let (host, path) = rest.split_once('/').unwrap();
        let mut stream = std::net::TcpStream::connect(host)?;
        write!(
            stream,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok(status)
    }
}

#[test]
fn federation_queue_reports_per_host() {
    let db = TestDb::new();
    assert!(trellis(&db, &["migrate"], None).status.success());
    let empty = trellis(&db, &["federation", "queue"], None);
    assert!(empty.status.success(), "{}", stderr(&empty));
    assert!(stdout(&empty).contains("no deliveries recorded"));
}
