//! Whether a URL's host may receive deliveries: every address it resolves to must be public, unless the operator
//! allows private destinations. Checked when an endpoint is created or changed, and again before every attempt
//! (a name can be pointed elsewhere after it was accepted).

use std::net::IpAddr;

use orderflow_domain::webhooks::{classify, AddressClass, WebhookUrl};

use crate::ports::AddressResolver;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationRefusal {
    /// The host resolves to no address.
    #[error("{host} does not resolve: {reason}")]
    Unresolvable { host: String, reason: String },
    /// The host resolves to a non-public address.
    #[error("{host} resolves to {address} ({class:?}), which is not a public address")]
    NotPublic {
        host: String,
        address: IpAddr,
        class: AddressClass,
    },
}

pub fn check_destination(
    url: &WebhookUrl,
    resolver: &dyn AddressResolver,
    allow_private: bool,
) -> Result<(), DestinationRefusal> {
    if allow_private {
        return Ok(());
    }
    let host = url.host();
    let addresses = match host.parse::<IpAddr>() {
        Ok(literal) => vec![literal],
        Err(_) => resolver.resolve(&host, url.port()).map_err(|reason| {
            DestinationRefusal::Unresolvable {
                host: host.clone(),
                reason,
            }
        })?,
    };
    if addresses.is_empty() {
        return Err(DestinationRefusal::Unresolvable {
            host,
            reason: "no address".into(),
        });
    }
    // Every address, not the first: a client may connect to any of them.
    for address in addresses {
        let class = classify(address);
        if !class.is_public() {
            return Err(DestinationRefusal::NotPublic {
                host,
                address,
                class,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockAddressResolver;
    use orderflow_domain::webhooks::{url, UrlRules};

    const HTTP: UrlRules = UrlRules { allow_http: true };

    fn resolving_to(addresses: &'static [&'static str]) -> MockAddressResolver {
        let mut resolver = MockAddressResolver::new();
        resolver
            .expect_resolve()
            .returning(move |_, _| Ok(addresses.iter().map(|a| a.parse().unwrap()).collect()));
        resolver
    }

    #[test]
    fn loopback_literals_are_refused_without_resolving_unless_private_is_allowed() {
        let mut resolver = MockAddressResolver::new();
        resolver.expect_resolve().never();
        let target = url("http://127.0.0.1:9/", HTTP).unwrap();
        assert!(matches!(
            check_destination(&target, &resolver, false),
            Err(DestinationRefusal::NotPublic {
                class: AddressClass::Loopback,
                ..
            })
        ));
        assert_eq!(check_destination(&target, &resolver, true), Ok(()));
    }

    #[test]
    fn a_name_with_any_private_address_is_refused() {
        let target = url("https://hooks.example.com/", HTTP).unwrap();
        let mixed = resolving_to(&["93.184.215.14", "169.254.169.254"]);
        assert!(matches!(
            check_destination(&target, &mixed, false),
            Err(DestinationRefusal::NotPublic {
                class: AddressClass::LinkLocal,
                ..
            })
        ));
        let public = resolving_to(&["93.184.215.14"]);
        assert_eq!(check_destination(&target, &public, false), Ok(()));
    }

    #[test]
    fn a_name_that_does_not_resolve_is_refused() {
        let target = url("https://nowhere.invalid/", HTTP).unwrap();
        let mut resolver = MockAddressResolver::new();
        resolver
            .expect_resolve()
            .returning(|_, _| Err("no such host".into()));
        assert!(matches!(
            check_destination(&target, &resolver, false),
            Err(DestinationRefusal::Unresolvable { .. })
        ));
        assert!(matches!(
            check_destination(&target, &resolving_to(&[]), false),
            Err(DestinationRefusal::Unresolvable { .. })
        ));
    }
}
