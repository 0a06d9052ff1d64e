//! The `trellis` binary run as an administrator would, on a running test instance's database.

use super::TestInstance;

/// The binary cargo built for these tests.
const BIN: &str = env!("CARGO_BIN_EXE_trellis");

/// What a CLI run printed and whether it succeeded.
pub struct CliRun {
    /// Exit status 0.
    pub ok: bool,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl TestInstance {
    /// Runs `trellis ARGS` on this instance's database and domain, with `settings` (other
    /// `TRELLIS_*` variables, such as the instance's federation mode and peers).
    pub async fn cli(&self, settings: &[(&str, &str)], args: &[&str]) -> CliRun {
        let output = tokio::process::Command::new(BIN)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("TRELLIS_DATABASE_URL", &self.db.url)
            .env("TRELLIS_DOMAIN", &self.domain)
            .env("TRELLIS_ALLOW_HTTP", "true")
            .env("TRELLIS_TEST_KEY_POOL", federation_tests::KEY_POOL)
            .env("RUST_LOG", "warn")
            .envs(settings.iter().copied())
            .output()
            .await
            .expect("trellis runs");
        CliRun {
            ok: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).to_string(),
        }
    }
}
