use std::net::{Ipv4Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// A reqwest resolver that never leaves the machine: `localhost` (and names
/// under `.localhost`) resolve to `127.0.0.1`; every other name fails as an
/// unknown host, at once.
///
/// The tour and the tests give it to their clients, so a URL such as
/// `https://invalid-url-test.com` fails the way an unknown host does without
/// a DNS query.
///
/// # Examples
///
/// ```
/// let client = reqwest::Client::builder()
///     .dns_resolver(std::sync::Arc::new(cogen_testserver::OfflineResolver))
///     .build()
///     .unwrap();
/// # drop(client);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineResolver;

impl Resolve for OfflineResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        Box::pin(async move {
            if host == "localhost" || host.ends_with(".localhost") {
                let addrs: Addrs =
                    Box::new(std::iter::once(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))));
                Ok(addrs)
            } else {
                Err(format!("unknown host {host} (offline resolver)").into())
            }
        })
    }
}
