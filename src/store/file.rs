//! `--store file`: the record as JSON in `$XDG_DATA_HOME/amtoken/<profile>.json`, mode 0600.

use std::io;

use super::{CredentialStore, Record, StoreError, atomic, to_json};
use crate::paths::Paths;

/// The file backend.
pub struct FileStore {
    paths: Paths,
}

impl FileStore {
    pub fn new(paths: Paths) -> Self {
        FileStore { paths }
    }
}

impl CredentialStore for FileStore {
    fn name(&self) -> &'static str {
        "file"
    }

    fn location(&self, profile: &str) -> String {
        self.paths.store_file(profile).display().to_string()
    }

    fn load(&self, profile: &str) -> Result<Option<Record>, StoreError> {
        super::read_json_file(&self.paths.store_file(profile))
    }

    fn save(&self, profile: &str, record: &Record) -> Result<(), StoreError> {
        let path = self.paths.store_file(profile);
        atomic::write_private(&path, &to_json(record)).map_err(|source| StoreError::Io {
            action: "write",
            path,
            source,
        })
    }

    fn profiles(&self) -> Result<Vec<String>, StoreError> {
        let dir = self.paths.data_dir();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(StoreError::Io {
                    action: "list",
                    path: dir.to_path_buf(),
                    source,
                });
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
