//! `logout --revoke` (RFC 7009), the revocation endpoint from the issuer's discovery document.

use super::{Identity, Session};
use crate::error::{Context as _, Error, Result};
use crate::issuer::Issuer;
use crate::oauth::RevocationEndpoint;
use crate::store::Record;

/// What `logout --revoke` did at the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// Not asked for.
    NotAsked,
    /// The server revoked the refresh token at this endpoint.
    Revoked(String),
    /// Nothing was stored to revoke.
    NothingStored,
    /// The server offers no revocation endpoint: why.
    Unsupported(String),
}

impl Session<'_> {
    /// Revokes `record`'s refresh token at the issuer's revocation endpoint (RFC 7009).
    pub(super) fn revoke(&self, record: &Record) -> Result<Revocation> {
        let identity = Identity {
            issuer: record.issuer.clone(),
            client_id: record.client_id.clone(),
        };
        let transport = self.transport()?;
        let Some(discovery) = Issuer::new(self.settings, transport).discovery(&identity.issuer)?
        else {
            return Ok(Revocation::Unsupported(format!(
                "{} has no discovery document",
                identity.issuer
            )));
        };
        let Some(endpoint) = discovery.revocation_endpoint else {
            return Ok(Revocation::Unsupported(format!(
                "the discovery document of {} names no revocation_endpoint",
                identity.issuer
            )));
        };
        let credentials = self.credentials(&identity.client_id)?;
        RevocationEndpoint {
            transport,
            url: &endpoint,
            client: &credentials,
        }
        .revoke_refresh_token(&record.refresh_token)
        .map_err(Error::from)
        .context("failed to revoke the refresh token")?;
        Ok(Revocation::Revoked(endpoint))
    }
}
