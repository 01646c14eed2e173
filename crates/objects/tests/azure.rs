//! `az://container/prefix` against the Azure Blob emulator (Azurite,
//! started by `scripts/azurite.sh`): the listing, findings with the
//! blobs' URLs and ETags, and a wrong key as one error.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bw_objects::{ObjectResolver, Options};
use bw_scan::{Found, InputDone, Pipeline, Problem, Resolvers, Visitor, WalkOptions};
use bw_testkit::s3::{azurite_server, AzuriteServer};
use object_store::azure::MicrosoftAzureBuilder;
use object_store::{ObjectStoreExt, PutPayload};

fn put(server: &AzuriteServer, objects: &[(String, Vec<u8>)]) {
    // The HTTP client is built without a TLS provider (see Cargo.toml).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let store = MicrosoftAzureBuilder::new()
        .with_account(&server.account)
        .with_access_key(&server.key)
        .with_container_name(&server.container)
        .with_endpoint(server.endpoint.clone())
        .with_allow_http(true)
        .build()
        .expect("azure client");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        for (key, body) in objects {
            let path = object_store::path::Path::from(key.as_str());
            store
                .put(&path, PutPayload::from(body.clone()))
                .await
                .expect("put");
        }
    });
}

#[derive(Default)]
struct Seen {
    emails: BTreeMap<String, usize>,
    versions: BTreeMap<String, Option<String>>,
    problems: Vec<String>,
}

struct Rec<'a>(&'a Mutex<Seen>);

impl Visitor for Rec<'_> {
    fn finding(&mut self, f: &Found<'_>) -> io::Result<()> {
        *self
            .0
            .lock()
            .expect("seen")
            .emails
            .entry(f.path.to_string())
            .or_default() += 1;
        Ok(())
    }

    fn input_done(&mut self, done: &InputDone<'_>) {
        self.0
            .lock()
            .expect("seen")
            .versions
            .insert(done.name.to_string(), done.version.map(str::to_string));
    }

    fn problem(&mut self, p: Problem<'_>) {
        let text = match p {
            Problem::Source(e) => e.to_string(),
            other => format!("{other:?}"),
        };
        self.0.lock().expect("seen").problems.push(text);
    }

    fn aborted(&mut self, name: &str, e: io::Error) {
        panic!("{name}: aborted: {e}");
    }
}

fn scan(server: &AzuriteServer, url: &str, key: &str) -> Seen {
    let resolver = ObjectResolver::new(Options {
        endpoint: Some(server.endpoint.clone()),
        env: vec![
            ("AZURE_STORAGE_ACCOUNT_NAME".into(), server.account.clone()),
            ("AZURE_STORAGE_ACCOUNT_KEY".into(), key.to_string()),
        ],
        ..Options::default()
    });
    let seen = Mutex::new(Seen::default());
    let opts = bw_scan::Options {
        kinds: [bw_detect::Kind::Email].into_iter().collect(),
        walk: WalkOptions {
            threads: 2,
            resolvers: Resolvers(vec![Arc::new(resolver)]),
            ..WalkOptions::default()
        },
        ..bw_scan::Options::default()
    };
    Pipeline::new(opts).run(&[PathBuf::from(url)], || Rec(&seen));
    seen.into_inner().expect("seen")
}

#[test]
fn a_container_prefix_is_listed_and_its_blobs_scanned() {
    let Some(server) = azurite_server() else {
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let prefix = format!("az-{}-{nanos}", std::process::id());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"login ok user=omar.haddad@shop-mail.example\n")
        .expect("gzip");
    put(
        &server,
        &[
            (
                format!("{prefix}/exports/customers.csv"),
                b"id,email\n1,lena.berg@shop-mail.example\n2,ivo.petrov@shop-mail.example\n"
                    .to_vec(),
            ),
            (
                format!("{prefix}/logs/app.log.gz"),
                gz.finish().expect("gzip"),
            ),
        ],
    );
    let url = format!("az://{}/{prefix}", server.container);
    let seen = scan(&server, &url, &server.key);
    assert_eq!(seen.problems, Vec::<String>::new());
    assert_eq!(
        seen.emails,
        BTreeMap::from([
            (format!("{url}/exports/customers.csv"), 2),
            (format!("{url}/logs/app.log.gz!app.log"), 1),
        ])
    );
    assert_eq!(seen.versions.len(), 2);
    for (name, version) in &seen.versions {
        assert!(version.is_some(), "{name} has no ETag");
    }

    let wrong = scan(&server, &url, "d3Jvbmcga2V5");
    assert_eq!(wrong.problems.len(), 1, "{:?}", wrong.problems);
    assert!(
        wrong.problems[0].starts_with(&format!("{url}: access denied")),
        "{}",
        wrong.problems[0]
    );
    assert!(wrong.emails.is_empty());
}
