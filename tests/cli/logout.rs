//! `amtoken logout`: forgets what is stored for the profile, and nothing else.

use crate::util::{REFRESH_TOKEN, Sandbox, outputs};

const ISSUER: &str = "http://127.0.0.1:9";

#[test]
fn logout_deletes_the_record_the_cache_and_a_rescue_file_of_that_profile_only() {
    let sandbox = Sandbox::new();
    for profile in ["default", "other"] {
        sandbox.store_record(profile, ISSUER, REFRESH_TOKEN);
        sandbox.cache_token(profile, ISSUER, "cached.access.token", 3600);
    }
    let rescue = sandbox.path("data/amtoken/default.rescue.json");
    std::fs::copy(sandbox.store_file("default"), &rescue).unwrap();

    let output = sandbox.amtoken_for(ISSUER).arg("logout").output().unwrap();
    let stderr = crate::util::failed(&output, 0);
    assert!(
        stderr.contains("logged out of profile \"default\": deleted the refresh token from"),
        "{stderr}"
    );
    assert!(!sandbox.store_file("default").exists());
    assert!(!sandbox.cache_file("default").exists());
    assert!(!rescue.exists());
    assert!(sandbox.store_file("other").exists());
    assert!(sandbox.cache_file("other").exists());

    let status = sandbox.amtoken_for(ISSUER).arg("status").output().unwrap();
    assert_eq!(status.status.code(), Some(4));

    // Again: nothing left, still not an error.
    let output = sandbox.amtoken_for(ISSUER).arg("logout").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(outputs(&output).1.contains("nothing was stored"));
}
