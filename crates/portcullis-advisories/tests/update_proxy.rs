//! `db update` through the proxy the environment names, and not through it
//! for a host `no_proxy` names. One test in its own binary: it sets
//! process-wide environment variables.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

mod db_support;

use db_support::http::{Reply, Server};
use db_support::*;
use portcullis_advisories::db::Store;
use portcullis_advisories::source::update::{self, Options};
use portcullis_advisories::source::Report;

#[test]
fn the_proxy_from_the_environment_is_used_unless_no_proxy_names_the_host() {
    // The test server plays the proxy: requests for another host arrive in
    // absolute form. The bucket's host does not resolve, so only a proxied
    // request can succeed.
    let proxy = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("all.zip");
    make_zip(
        &zip,
        &[("GO-2024-2687.json".into(), record("GO-2024-2687.json"))],
    );
    proxy.put("/Go/all.zip", Reply::Body(std::fs::read(&zip).unwrap()));
    proxy.put("/kev.json", Reply::Body(record("kev-excerpt.json")));
    for name in [
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
        "no_proxy",
        "NO_PROXY",
    ] {
        std::env::remove_var(name);
    }
    std::env::set_var("http_proxy", proxy.url());
    let options = Options {
        osv_url: "http://osv.portcullis-test.invalid:8080".into(),
        kev_url: Some("http://kev.portcullis-test.invalid/kev.json".into()),
        epss_url: None,
        ecosystems: vec!["Go".into()],
        timeout: std::time::Duration::from_secs(10),
        incremental_limit: update::INCREMENTAL_LIMIT,
    };
    let mut store = Store::new();
    let path = dir.path().join("advisories.db");
    update::update(
        &mut store,
        &path,
        &options,
        &mut |_| {},
        &mut Report::default(),
    )
    .expect("through the proxy");
    assert!(store.get("GO-2024-2687").is_some());
    assert_eq!(
        proxy.log(),
        vec![
            "http://osv.portcullis-test.invalid:8080/Go/all.zip",
            "http://kev.portcullis-test.invalid/kev.json"
        ]
    );

    // no_proxy names the bucket's domain: a direct connection, which fails
    // (the name does not resolve), and the proxy sees nothing.
    proxy.clear_log();
    std::env::set_var("no_proxy", "localhost,.portcullis-test.invalid");
    let e = update::update(
        &mut Store::new(),
        &path,
        &options,
        &mut |_| {},
        &mut Report::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("GET http://osv.portcullis-test.invalid:8080/Go/all.zip"),
        "{e}"
    );
    assert_eq!(proxy.log(), Vec::<String>::new());
    std::env::remove_var("no_proxy");
    std::env::remove_var("http_proxy");
}
