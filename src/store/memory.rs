//! An in-memory backend for unit tests of the layers above the store: counts writes, can be
//! told to refuse them, and checks versions the way a shared backend would. Made with
//! [`MemoryStore::shared`], it is also a [`SharedStore`] — the whole fleet state and the
//! readers' copy, each with check-and-set on its version — so the fleet lease is tested by a
//! plain `cargo test`.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use super::{
    CredentialStore, Guard, Loaded, LockError, Published, Record, SharedState, SharedStore,
    StoreError, Version,
};

/// One versioned value, as KV version 2 keeps it: the version counts every write.
type Slot<T> = RefCell<Option<(T, u64)>>;

/// A store that lives as long as the test.
#[derive(Default)]
pub struct MemoryStore {
    state: Slot<SharedState>,
    published: Slot<Published>,
    /// A fleet's shared store (Vault) rather than a local one.
    is_shared: bool,
    /// When set, every save fails as an unwritable store would.
    pub refuse_writes: Cell<bool>,
    /// How many saves succeeded.
    pub saves: Cell<u32>,
    /// What happens before each write is judged, one entry per write in turn (`None`:
    /// nothing): another machine's write lands there.
    #[allow(clippy::type_complexity)]
    pub before_writes: RefCell<std::collections::VecDeque<Option<Box<dyn FnOnce(&MemoryStore)>>>>,
}

fn bare(record: Record) -> SharedState {
    SharedState::new(record, None)
}

impl MemoryStore {
    /// A local store holding `record`.
    pub fn with(record: Record) -> Self {
        let store = MemoryStore::default();
        *store.state.borrow_mut() = Some((bare(record), 1));
        store
    }

    /// A shared store holding `state` (or nothing).
    pub fn shared(state: Option<SharedState>) -> Self {
        let store = MemoryStore {
            is_shared: true,
            ..MemoryStore::default()
        };
        *store.state.borrow_mut() = state.map(|state| (state, 1));
        store
    }

    /// The record held now.
    pub fn record(&self) -> Option<Record> {
        self.state
            .borrow()
            .as_ref()
            .map(|(state, _)| state.record.clone())
    }

    /// The whole state held now.
    pub fn state(&self) -> Option<SharedState> {
        self.state.borrow().as_ref().map(|(state, _)| state.clone())
    }

    /// What is published for readers now.
    pub fn published(&self) -> Option<Published> {
        self.published
            .borrow()
            .as_ref()
            .map(|(published, _)| published.clone())
    }

    /// Replaces the record behind the user's back, as another machine would.
    pub fn replace(&self, record: Record) {
        self.replace_state(bare(record));
    }

    /// Replaces the whole state behind the user's back, as another machine would.
    pub fn replace_state(&self, state: SharedState) {
        let mut slot = self.state.borrow_mut();
        let version = slot.as_ref().map_or(1, |(_, version)| version + 1);
        *slot = Some((state, version));
    }

    /// Publishes for readers behind the user's back, as a refresher would.
    pub fn write_published_for_test(&self, published: Published) {
        let mut slot = self.published.borrow_mut();
        let version = slot.as_ref().map_or(1, |(_, version)| version + 1);
        *slot = Some((published, version));
    }

    fn refused(&self) -> Result<(), StoreError> {
        if self.refuse_writes.get() {
            return Err(crate::files::FileError::Io {
                action: "write",
                path: "memory".into(),
                cause: std::io::Error::other("refused by the test"),
            }
            .into());
        }
        Ok(())
    }

    /// A check-and-set write into `slot`.
    fn write<T: Clone>(
        &self,
        slot: &Slot<T>,
        value: &T,
        expected: Option<&Version>,
    ) -> Result<Version, StoreError> {
        self.refused()?;
        let hook = self.before_writes.borrow_mut().pop_front().flatten();
        if let Some(hook) = hook {
            hook(self);
        }
        let mut slot = slot.borrow_mut();
        let current = slot.as_ref().map(|(_, version)| Version(*version));
        if current.as_ref() != expected {
            return Err(StoreError::Conflict {
                location: "memory".into(),
            });
        }
        let version = current.map_or(1, |Version(version)| version + 1);
        *slot = Some((value.clone(), version));
        self.saves.set(self.saves.get() + 1);
        Ok(Version(version))
    }
}

impl CredentialStore for &MemoryStore {
    fn location(&self) -> String {
        "memory".into()
    }

    fn load(&self) -> Result<Option<Loaded>, StoreError> {
        Ok(self.state.borrow().as_ref().map(|(state, version)| Loaded {
            record: state.record.clone(),
            version: Version(*version),
        }))
    }

    fn save(&self, record: &Record, expected: Option<&Version>) -> Result<Version, StoreError> {
        self.write(&self.state, &bare(record.clone()), expected)
    }

    fn delete(&self) -> Result<bool, StoreError> {
        Ok(self.state.borrow_mut().take().is_some())
    }

    fn lock(&self, _timeout: Duration) -> Result<Guard, LockError> {
        Ok(Box::new(()))
    }

    fn profiles(&self) -> Result<Vec<String>, StoreError> {
        Ok(vec!["default".into()])
    }

    fn shared(&self) -> Option<&dyn SharedStore> {
        self.is_shared.then_some(self as &dyn SharedStore)
    }
}

impl SharedStore for &MemoryStore {
    fn read_shared(&self) -> Result<Option<(SharedState, Version)>, StoreError> {
        Ok(self
            .state
            .borrow()
            .as_ref()
            .map(|(state, version)| (state.clone(), Version(*version))))
    }

    fn write_shared(
        &self,
        state: &SharedState,
        expected: Option<&Version>,
    ) -> Result<Version, StoreError> {
        self.write(&self.state, state, expected)
    }

    fn published_location(&self) -> String {
        "memory/access".into()
    }

    fn read_published(&self) -> Result<Option<(Published, Version)>, StoreError> {
        Ok(self
            .published
            .borrow()
            .as_ref()
            .map(|(published, version)| (published.clone(), Version(*version))))
    }

    fn write_published(
        &self,
        published: &Published,
        expected: Option<&Version>,
    ) -> Result<Version, StoreError> {
        self.write(&self.published, published, expected)
    }
}
