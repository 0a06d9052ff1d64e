//! A database for one test: an SQLite file in a temporary folder, or, when
//! `TRELLIS_TEST_DATABASE_URL` names a PostgreSQL server, a fresh database dropped afterwards.
//!
//! On PostgreSQL a migrated database is a copy (`CREATE DATABASE ... TEMPLATE`) of one template
//! per migration set, `trellis_template_HASH`, built once by the first test that needs it (see
//! [`template`]), so tests do not each run every migration.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Trellis's PostgreSQL migrations, the same files the server embeds.
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// The advisory lock key under which templates are built (any fixed number).
const TEMPLATE_LOCK: i64 = 0x7472_656c_6c69;

/// A database that exists for one test.
pub struct TestDb {
    /// The URL to give an instance.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A fresh database on the backend under test with every migration applied on PostgreSQL
    /// (copied from the template) and none yet on SQLite (an instance applies them at start).
    pub fn new() -> Self {
        Self::create(true)
    }

    /// A fresh database without any migration applied, for tests of migrating itself.
    pub fn empty() -> Self {
        Self::create(false)
    }

    fn create(migrated: bool) -> Self {
        match std::env::var("TRELLIS_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => Self::postgres(admin_url, migrated),
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("trellis.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    postgres: None,
                }
            }
        }
    }

    fn postgres(admin_url: String, migrated: bool) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "trellis_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let create = if migrated {
            format!("CREATE DATABASE {name} TEMPLATE {}", template(&admin_url))
        } else {
            format!("CREATE DATABASE {name}")
        };
        let mut admin = PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
        diesel::sql_query(create)
            .execute(&mut admin)
            .expect("create test database");
        Self {
            url: database_url(&admin_url, &name),
            _dir: None,
            postgres: Some((admin_url, name)),
        }
    }

    /// True when the database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            // A plain thread: Drop may run inside an async runtime.
            let _ = std::thread::spawn(move || {
                if let Ok(mut admin) = PgConnection::establish(&admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin);
                }
            })
            .join();
        }
    }
}

/// The URL of database `name` on the server of `admin_url`.
fn database_url(admin_url: &str, name: &str) -> String {
    let mut url = url::Url::parse(admin_url).expect("TRELLIS_TEST_DATABASE_URL is a URL");
    url.set_path(name);
    url.to_string()
}

/// The name of the migrated template database of the current migrations, built if missing.
///
/// Test processes may start at once (nextest runs every test in its own process), so the
/// check and the build happen under a session advisory lock. The template is migrated as
/// `NAME_building` and renamed when complete, so an interrupted build is never copied. Its
/// name carries a hash of the migrations: a branch with other migrations uses another
/// template on the same server.
fn template(admin_url: &str) -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let name = format!("trellis_template_{:016x}", migrations_hash());
        let building = format!("{name}_building");
        let mut admin = PgConnection::establish(admin_url).expect("connect to PostgreSQL");
        diesel::sql_query(format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"))
            .execute(&mut admin)
            .expect("template lock");
        let exists = diesel::sql_query(format!(
            "SELECT 1 FROM pg_database WHERE datname = '{name}'"
        ))
        .execute(&mut admin)
        .expect("look for the template")
            > 0;
        if !exists {
            for sql in [
                format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
                format!("CREATE DATABASE {building}"),
            ] {
                diesel::sql_query(sql)
                    .execute(&mut admin)
                    .expect("create the template");
            }
            {
                let mut template = PgConnection::establish(&database_url(admin_url, &building))
                    .expect("connect to the template");
                template
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .expect("migrate the template");
            }
            diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                .execute(&mut admin)
                .expect("finish the template");
        }
        diesel::sql_query(format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})"))
            .execute(&mut admin)
            .expect("template unlock");
        name
    })
}

/// FNV-1a over the names and contents of the PostgreSQL migrations, in order.
fn migrations_hash() -> u64 {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/postgres");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in files {
        let relative = path.strip_prefix(&dir).unwrap_or(&path);
        let bytes = std::fs::read(&path).expect("read a migration");
        for byte in relative.to_string_lossy().bytes().chain(bytes) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("the migrations folder")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
