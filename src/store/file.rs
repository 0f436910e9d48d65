//! `--store file`: the record as JSON in `$XDG_DATA_HOME/amtoken/<profile>.json`, mode 0600.

use std::io;
use std::time::Duration;

use super::{CredentialStore, Durability, Guard, Loaded, LockError, Record, StoreError, Version};
use crate::files::{self, FileError};
use crate::paths::Paths;

/// The file backend of one profile.
pub struct FileStore {
    paths: Paths,
    profile: String,
}

impl FileStore {
    pub fn new(paths: Paths, profile: String) -> Self {
        FileStore { paths, profile }
    }
}

impl CredentialStore for FileStore {
    fn location(&self) -> String {
        self.paths.store_file(&self.profile).display().to_string()
    }

    fn load(&self) -> Result<Option<Loaded>, StoreError> {
        let record: Option<Record> = files::read_file(&self.paths.store_file(&self.profile))?;
        Ok(record.map(|record| Loaded {
            record,
            version: Version::LOCAL,
        }))
    }

    fn save(&self, record: &Record, _expected: Option<&Version>) -> Result<Version, StoreError> {
        let path = self.paths.store_file(&self.profile);
        files::write_file(&path, record, Durability::Durable)?;
        Ok(Version::LOCAL)
    }

    fn delete(&self) -> Result<bool, StoreError> {
        Ok(files::remove_file(
            &self.paths.store_file(&self.profile),
            "remove",
        )?)
    }

    fn lock(&self, timeout: Duration) -> Result<Guard, LockError> {
        super::local_lock(&self.paths.lock_file(&self.profile), timeout)
    }

    fn profiles(&self) -> Result<Vec<String>, StoreError> {
        let dir = self.paths.data_dir();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(cause) => {
                return Err(FileError::Io {
                    action: "list",
                    path: dir.to_path_buf(),
                    cause,
                }
                .into());
            }
        };
        let mut profiles: Vec<String> = entries
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| !name.starts_with('.') && !name.ends_with(".rescue.json"))
            .filter_map(|name| name.strip_suffix(".json").map(str::to_string))
            .collect();
        profiles.sort();
        Ok(profiles)
    }
}
