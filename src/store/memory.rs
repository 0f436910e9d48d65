//! An in-memory backend for unit tests of the layers above the store: counts writes, can be
//! told to refuse them, and checks versions the way a shared backend would.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use super::{CredentialStore, Guard, Loaded, LockError, Record, StoreError, Version};

/// A store that lives as long as the test.
#[derive(Default)]
pub struct MemoryStore {
    record: RefCell<Option<(Record, u64)>>,
    /// When set, every save fails as an unwritable store would.
    pub refuse_writes: Cell<bool>,
    /// How many saves succeeded.
    pub saves: Cell<u32>,
}

impl MemoryStore {
    /// A store holding `record`.
    pub fn with(record: Record) -> Self {
        let store = MemoryStore::default();
        *store.record.borrow_mut() = Some((record, 1));
        store
    }

    /// The record held now.
    pub fn record(&self) -> Option<Record> {
        self.record
            .borrow()
            .as_ref()
            .map(|(record, _)| record.clone())
    }

    /// Replaces the record behind the user's back, as another machine would.
    pub fn replace(&self, record: Record) {
        let mut slot = self.record.borrow_mut();
        let version = slot.as_ref().map_or(1, |(_, version)| version + 1);
        *slot = Some((record, version));
    }
}

impl CredentialStore for &MemoryStore {
    fn location(&self) -> String {
        "memory".into()
    }

    fn load(&self) -> Result<Option<Loaded>, StoreError> {
        Ok(self
            .record
            .borrow()
            .as_ref()
            .map(|(record, version)| Loaded {
                record: record.clone(),
                version: Version(*version),
            }))
    }

    fn save(&self, record: &Record, expected: Option<&Version>) -> Result<Version, StoreError> {
        if self.refuse_writes.get() {
            return Err(crate::files::FileError::Io {
                action: "write",
                path: "memory".into(),
                cause: std::io::Error::other("refused by the test"),
            }
            .into());
        }
        let mut slot = self.record.borrow_mut();
        let current = slot.as_ref().map(|(_, version)| Version(*version));
        if current.as_ref() != expected {
            return Err(StoreError::Conflict {
                location: "memory".into(),
            });
        }
        let version = current.map_or(1, |Version(version)| version + 1);
        *slot = Some((record.clone(), version));
        self.saves.set(self.saves.get() + 1);
        Ok(Version(version))
    }

    fn delete(&self) -> Result<bool, StoreError> {
        Ok(self.record.borrow_mut().take().is_some())
    }

    fn lock(&self, _timeout: Duration) -> Result<Guard, LockError> {
        Ok(Box::new(()))
    }

    fn profiles(&self) -> Result<Vec<String>, StoreError> {
        Ok(vec!["default".into()])
    }
}
