//! The test key pool's layout (`TRELLIS_TEST_KEY_POOL`): a folder of RSA key pairs
//! `NAME.key.pem` (PKCS#8) and `NAME.pub.pem` (SPKI), read by the domain's key source.

use std::path::Path;

/// Suffix of a pool's private keys (PKCS#8 PEM); the public key (SPKI PEM) sits beside it
/// with [`PUBLIC_SUFFIX`].
pub const PRIVATE_SUFFIX: &str = ".key.pem";
/// Suffix of a pool's public keys.
pub const PUBLIC_SUFFIX: &str = ".pub.pem";

/// Checks that `dir` holds at least one key pair (configuration validation).
pub(crate) fn check_pool(dir: &Path) -> Result<(), String> {
    pair_names(dir).map(|_| ())
}

/// The names (without suffix) of the pairs in `dir`, sorted; an error when there are none.
pub fn pair_names(dir: &Path) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read the folder: {e}"))?;
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.strip_suffix(PRIVATE_SUFFIX).map(str::to_string)
        })
        .filter(|stem| dir.join(format!("{stem}{PUBLIC_SUFFIX}")).is_file())
        .collect();
    if names.is_empty() {
        return Err(format!(
            "expected key pairs NAME{PRIVATE_SUFFIX} and NAME{PUBLIC_SUFFIX}"
        ));
    }
    names.sort();
    Ok(names)
}
