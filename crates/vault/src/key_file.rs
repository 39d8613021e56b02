//! The key file on disk: reading it only when its owner alone can read it, creating it once (test mode),
//! and replacing it atomically after a rotation. This module moves key text between disk and memory and
//! never prints it; buffers that held it are wiped when dropped.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rand::rngs::OsRng;
use rand::RngCore;

use crate::key_ring::{wipe, SecretText, KEY_RING_TEXT_BYTES_MAX};
use crate::VaultError;

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> VaultError {
    let path = path.display().to_string();
    move |source| VaultError::Io { action, path, source }
}

/// The key file's text, or `None` when there is no file. Refuses a file that group or others can read.
pub(crate) fn read(path: &Path) -> Result<Option<SecretText>, VaultError> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("opening the vault key file", path)(e)),
    };
    // Checked on the open handle, so the file read is the file checked.
    let metadata = file.metadata().map_err(io_error("reading the metadata of the vault key file", path))?;
    check_private(path, &metadata)?;
    let too_long = || VaultError::InvalidKeyRing {
        origin: path.display().to_string(),
        reason: format!("longer than {KEY_RING_TEXT_BYTES_MAX} bytes"),
    };
    let length = usize::try_from(metadata.len()).map_err(|_| too_long())?;
    if length > KEY_RING_TEXT_BYTES_MAX {
        return Err(too_long());
    }
    // Sized up front so the buffer is not reallocated (a reallocation would leave key text behind).
    let mut bytes = Vec::with_capacity(KEY_RING_TEXT_BYTES_MAX + 1);
    if let Err(e) = (&mut file).take(KEY_RING_TEXT_BYTES_MAX as u64 + 1).read_to_end(&mut bytes) {
        wipe(&mut bytes);
        return Err(io_error("reading the vault key file", path)(e));
    }
    if bytes.len() > KEY_RING_TEXT_BYTES_MAX {
        wipe(&mut bytes);
        return Err(too_long());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        wipe(&mut e.into_bytes());
        VaultError::InvalidKeyRing { origin: path.display().to_string(), reason: "not UTF-8 text".to_string() }
    })?;
    Ok(Some(SecretText::new(text)))
}

#[cfg(unix)]
fn check_private(path: &Path, metadata: &std::fs::Metadata) -> Result<(), VaultError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(VaultError::InsecureKeyFile { path: path.display().to_string(), mode });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _metadata: &std::fs::Metadata) -> Result<(), VaultError> {
    Ok(())
}

/// Creates the key file with `text`, readable by its owner only, and makes it durable.
/// Returns `false`, writing nothing, when the file already exists (another process created it first).
pub(crate) fn create(path: &Path, text: &SecretText) -> Result<bool, VaultError> {
    let directory = directory_of(path);
    std::fs::create_dir_all(&directory).map_err(io_error("creating the directory of the vault key file", path))?;
    let mut file = match open_new_private(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(io_error("creating the vault key file", path)(e)),
    };
    let written = file.write_all(text.as_str().as_bytes()).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        // A half-written key file would stop the next start; remove it so the next start generates again.
        let _ = std::fs::remove_file(path);
        return Err(io_error("writing the vault key file", path)(e));
    }
    sync_directory(&directory).map_err(io_error("syncing the directory of the vault key file", path))?;
    Ok(true)
}

/// Replaces the key file with `text` atomically: a private temporary file in the same directory,
/// fsync, rename over the key file, fsync the directory. A crash leaves the old file or the new one.
pub(crate) fn replace(path: &Path, text: &SecretText) -> Result<(), VaultError> {
    let directory = directory_of(path);
    let temporary = temporary_path(path)?;
    let result = write_temporary_and_rename(&temporary, path, &directory, text);
    if result.is_err() {
        // Best effort: the temporary file may not exist, and the original error is the one to report.
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

fn write_temporary_and_rename(
    temporary: &Path,
    path: &Path,
    directory: &Path,
    text: &SecretText,
) -> Result<(), VaultError> {
    let mut file = open_new_private(temporary).map_err(io_error("creating the temporary vault key file", temporary))?;
    file.write_all(text.as_str().as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io_error("writing the temporary vault key file", temporary))?;
    drop(file);
    std::fs::rename(temporary, path).map_err(io_error("renaming the temporary vault key file over", path))?;
    sync_directory(directory).map_err(io_error("syncing the directory of the vault key file", path))
}

fn temporary_path(path: &Path) -> Result<PathBuf, VaultError> {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "vault-keys".into());
    let mut suffix = [0u8; 8];
    OsRng.try_fill_bytes(&mut suffix).map_err(|_| VaultError::Random)?;
    Ok(directory_of(path).join(format!(".{file_name}.{}.tmp", hex::encode(suffix))))
}

fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(unix)]
fn open_new_private(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn open_new_private(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(unix)]
fn sync_directory(directory: &Path) -> std::io::Result<()> {
    File::open(directory)?.sync_all()
}

#[cfg(not(unix))]
fn sync_directory(_directory: &Path) -> std::io::Result<()> {
    Ok(())
}
