//! `--vault-auth kubernetes`: `auth/{mount}/login` with the role and the pod's service-account
//! token (`/var/run/secrets/kubernetes.io/serviceaccount/token`, or `--vault-jwt-file`), read
//! at each login (the kubelet rotates it).

use std::path::PathBuf;

use serde_json::json;

use super::{Credential, Method, read_credential_file};
use crate::store::StoreError;
use crate::store::vault::VaultStore;

pub(super) struct Kubernetes<'a> {
    pub mount: &'a str,
    pub role: &'a str,
    pub token_file: &'a PathBuf,
}

impl Method for Kubernetes<'_> {
    fn name(&self) -> &'static str {
        "kubernetes"
    }

    fn credential(&self, _vault: &VaultStore) -> Result<Credential, StoreError> {
        let jwt = read_credential_file("the service-account token", self.token_file)?;
        Ok(Credential::Login {
            mount: self.mount.to_string(),
            body: json!({ "role": self.role, "jwt": jwt.expose() }),
        })
    }

    fn who(&self) -> String {
        format!(
            "{} {} {}",
            self.mount,
            self.role,
            super::jwt::identity_in_file(self.token_file)
        )
    }
}
