//! `--store keyring`: the record as the secret of the keychain entry service `amtoken`, user
//! `<profile>`, through keyring-core and the platform's native store. Every call runs on a
//! helper thread with a timeout, so a locked keychain or a dialog nobody answers is an error,
//! never a hang.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use keyring_core::{CredentialStore as NativeStore, Entry};

use super::{CredentialStore, Guard, Loaded, LockError, Record, StoreError, Version};
use crate::files::from_json;

const SERVICE: &str = "amtoken";

/// The keychain backend of one profile.
pub struct KeyringStore {
    profile: String,
    lock_file: PathBuf,
    timeout: Duration,
}

impl KeyringStore {
    pub fn new(profile: String, lock_file: PathBuf, timeout: Duration) -> Self {
        KeyringStore {
            profile,
            lock_file,
            timeout,
        }
    }

    /// Runs `call` against the native store on a helper thread, waiting at most the timeout. On
    /// a timeout the thread is left behind; the process ends soon after with exit 8.
    fn with_store<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Arc<NativeStore>) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (sender, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("keychain".into())
            .spawn(move || {
                let _ = sender.send(native_store().and_then(|store| call(&store)));
            })
            .map_err(|error| StoreError::KeychainUnavailable {
                why: error.to_string(),
            })?;
        match receiver.recv_timeout(self.timeout) {
            Ok(result) => result.map_err(classify),
            Err(_) => Err(StoreError::KeychainTimeout {
                timeout: self.timeout,
            }),
        }
    }
}

#[cfg(target_os = "linux")]
fn native_store() -> keyring_core::Result<Arc<NativeStore>> {
    refuse_locked()?;
    Ok(zbus_secret_service_keyring_store::store::Store::new()?)
}

/// The Secret Service store unlocks what it finds locked, which shows the desktop's password
/// dialog; amtoken never prompts. So a locked default collection (where entries are created),
/// or a locked amtoken entry anywhere, is refused before the store is opened. Looking sends no
/// secret, so the connection needs no encryption.
#[cfg(target_os = "linux")]
fn refuse_locked() -> keyring_core::Result<()> {
    use secret_service::{EncryptionType, blocking::SecretService};
    let failure =
        |error: secret_service::Error| keyring_core::Error::PlatformFailure(Box::new(error));
    let service = SecretService::connect(EncryptionType::Plain).map_err(failure)?;
    // No default collection: the store says so itself when it needs one.
    let default_locked = match service.get_default_collection() {
        Ok(collection) => collection.is_locked().map_err(failure)?,
        Err(_) => false,
    };
    let entries = service
        .search_items(HashMap::from([("service", SERVICE)]))
        .map_err(failure)?;
    if default_locked || !entries.locked.is_empty() {
        return Err(keyring_core::Error::NoStorageAccess(
            "the Secret Service keyring is locked, and amtoken does not ask for its password"
                .into(),
        ));
    }
    Ok(())
}

#[cfg(target_os = "macos")]
fn native_store() -> keyring_core::Result<Arc<NativeStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn native_store() -> keyring_core::Result<Arc<NativeStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn native_store() -> keyring_core::Result<Arc<NativeStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "no native keychain on this platform".into(),
    ))
}

fn classify(error: keyring_core::Error) -> StoreError {
    use keyring_core::Error;
    let why = match &error {
        Error::NoStorageAccess(cause) => format!("access refused (is it locked?): {cause}"),
        Error::PlatformFailure(cause) => cause.to_string(),
        other => other.to_string(),
    };
    StoreError::KeychainUnavailable {
        why: why.replace('\n', " "),
    }
}

impl CredentialStore for KeyringStore {
    fn location(&self) -> String {
        format!("keychain entry {SERVICE}/{}", self.profile)
    }

    fn load(&self) -> Result<Option<Loaded>, StoreError> {
        let user = self.profile.clone();
        let secret = self.with_store(move |store| {
            match Entry::new_in_store(store, SERVICE, &user)?.get_secret() {
                Ok(secret) => Ok(Some(secret)),
                Err(keyring_core::Error::NoEntry) => Ok(None),
                Err(error) => Err(error),
            }
        })?;
        secret
            .map(|bytes| {
                from_json::<Record>(&bytes, &self.location())
                    .map(|record| Loaded {
                        record,
                        version: Version::LOCAL,
                    })
                    .map_err(StoreError::from)
            })
            .transpose()
    }

    fn save(&self, record: &Record, _expected: Option<&Version>) -> Result<Version, StoreError> {
        let user = self.profile.clone();
        // Compact JSON: one line in keychain viewers.
        let secret = serde_json::to_vec(record).unwrap_or_default();
        self.with_store(move |store| {
            Entry::new_in_store(store, SERVICE, &user)?.set_secret(&secret)
        })?;
        Ok(Version::LOCAL)
    }

    fn delete(&self) -> Result<bool, StoreError> {
        let user = self.profile.clone();
        self.with_store(move |store| {
            match Entry::new_in_store(store, SERVICE, &user)?.delete_credential() {
                Ok(()) => Ok(true),
                Err(keyring_core::Error::NoEntry) => Ok(false),
                Err(error) => Err(error),
            }
        })
    }

    fn lock(&self, timeout: Duration) -> Result<Guard, LockError> {
        super::local_lock(&self.lock_file, timeout)
    }

    fn profiles(&self) -> Result<Vec<String>, StoreError> {
        self.with_store(|store| {
            let spec = HashMap::from([("service", SERVICE)]);
            let mut profiles: Vec<String> = Entry::search_in_store(store, &spec)?
                .iter()
                .filter_map(|entry| entry.get_specifiers().map(|(_, user)| user))
                .collect();
            profiles.sort();
            profiles.dedup();
            Ok(profiles)
        })
    }
}
