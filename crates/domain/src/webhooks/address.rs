//! Which addresses a webhook may be delivered to: public unicast ones only, unless the operator allows private
//! destinations. A URL naming the shop's own network (its database, a cloud's metadata service at
//! 169.254.169.254, a router's admin page) would otherwise let any admin make the server send requests there.
//!
//! Written out by range rather than with `std`'s `is_global` (unstable) so that every refused range is visible and
//! tested.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of destination an address is. Only [`AddressClass::Public`] is deliverable by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AddressClass {
    /// A public unicast address.
    Public,
    /// 0.0.0.0/8 or `::`: "this host", which connects to the server itself.
    Unspecified,
    /// 127.0.0.0/8 or `::1`.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16, the IPv6 unique-local fc00::/7.
    Private,
    /// 100.64/10, the carrier-grade NAT range (private to a provider's network).
    SharedNat,
    /// 169.254/16 (with cloud metadata services at 169.254.169.254) or fe80::/10.
    LinkLocal,
    /// 224/4 or ff00::/8: not one host.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32: examples, never routed.
    Documentation,
    /// Other special-purpose ranges: 192.0.0/24 (protocol assignments), 198.18/15 (benchmarking), 240/4
    /// (reserved), 64:ff9b:1::/48 (local NAT64), 100::/64 (discard).
    Reserved,
}

impl AddressClass {
    /// Whether a delivery may go there without the operator allowing private destinations.
    pub fn is_public(self) -> bool {
        self == AddressClass::Public
    }
}

/// The class of `address`. An IPv4-mapped (`::ffff:a.b.c.d`) or IPv4-compatible IPv6 address is the IPv4 address
/// it carries: `::ffff:127.0.0.1` is loopback.
pub fn classify(address: IpAddr) -> AddressClass {
    match address {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(address: Ipv4Addr) -> AddressClass {
    let [a, b, c, _] = address.octets();
    match (a, b, c) {
        (0, _, _) => AddressClass::Unspecified,
        (127, _, _) => AddressClass::Loopback,
        (10, _, _) | (192, 168, _) => AddressClass::Private,
        (172, 16..=31, _) => AddressClass::Private,
        (100, 64..=127, _) => AddressClass::SharedNat,
        (169, 254, _) => AddressClass::LinkLocal,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => AddressClass::Documentation,
        (192, 0, 0) | (198, 18..=19, _) => AddressClass::Reserved,
        (224..=239, _, _) => AddressClass::Multicast,
        _ if address == Ipv4Addr::BROADCAST => AddressClass::Broadcast,
        (240..=255, _, _) => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

fn classify_v6(address: Ipv6Addr) -> AddressClass {
    let segments = address.segments();
    if address.is_unspecified() {
        return AddressClass::Unspecified;
    }
    if address.is_loopback() {
        return AddressClass::Loopback;
    }
    // The deprecated IPv4-compatible form ::a.b.c.d (the first 96 bits zero) still reaches that IPv4 address on
    // some stacks.
    if segments[..6] == [0; 6] {
        let [_, _, _, _, _, _, high, low] = segments;
        let v4 = Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
        return classify_v4(v4);
    }
    match segments[0] {
        0xfe80..=0xfebf => AddressClass::LinkLocal,
        0xfc00..=0xfdff => AddressClass::Private,
        0xff00..=0xffff => AddressClass::Multicast,
        0x2001 if segments[1] == 0x0db8 => AddressClass::Documentation,
        0x0064 if segments[1] == 0xff9b && segments[2] == 1 => AddressClass::Reserved,
        0x0100 if segments[1..4] == [0, 0, 0] => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(raw: &str) -> AddressClass {
        classify(raw.parse().unwrap())
    }

    #[test]
    fn public_addresses_are_deliverable() {
        for raw in [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
        ] {
            assert_eq!(class(raw), AddressClass::Public, "{raw}");
            assert!(class(raw).is_public());
        }
    }

    #[test]
    fn loopback_and_unspecified_addresses_are_refused() {
        for raw in ["127.0.0.1", "127.255.255.254", "::1"] {
            assert_eq!(class(raw), AddressClass::Loopback, "{raw}");
        }
        for raw in ["0.0.0.0", "0.1.2.3", "::"] {
            assert_eq!(class(raw), AddressClass::Unspecified, "{raw}");
        }
    }

    #[test]
    fn private_ranges_are_refused_at_their_edges() {
        for raw in [
            "10.0.0.0",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.0.1",
            "192.168.255.255",
            "fc00::1",
            "fdff:ffff::1",
        ] {
            assert_eq!(class(raw), AddressClass::Private, "{raw}");
        }
        for raw in ["172.15.255.255", "192.169.0.1", "11.0.0.1", "fe00::1"] {
            assert!(class(raw).is_public(), "{raw}");
        }
    }

    #[test]
    fn shared_nat_link_local_and_the_metadata_service_are_refused() {
        assert_eq!(class("100.64.0.1"), AddressClass::SharedNat);
        assert_eq!(class("100.127.255.255"), AddressClass::SharedNat);
        assert!(class("100.63.255.255").is_public());
        assert_eq!(class("169.254.169.254"), AddressClass::LinkLocal);
        assert_eq!(class("169.254.0.1"), AddressClass::LinkLocal);
        assert_eq!(class("fe80::1"), AddressClass::LinkLocal);
        assert_eq!(class("febf::1"), AddressClass::LinkLocal);
    }

    #[test]
    fn ipv4_inside_ipv6_is_judged_as_the_ipv4_address() {
        assert_eq!(class("::ffff:127.0.0.1"), AddressClass::Loopback);
        assert_eq!(class("::ffff:169.254.169.254"), AddressClass::LinkLocal);
        assert_eq!(class("::ffff:10.1.2.3"), AddressClass::Private);
        assert_eq!(class("::127.0.0.1"), AddressClass::Loopback);
        assert!(class("::ffff:8.8.8.8").is_public());
    }

    #[test]
    fn multicast_broadcast_documentation_and_reserved_ranges_are_refused() {
        assert_eq!(class("224.0.0.1"), AddressClass::Multicast);
        assert_eq!(class("239.255.255.255"), AddressClass::Multicast);
        assert_eq!(class("ff02::1"), AddressClass::Multicast);
        assert_eq!(class("255.255.255.255"), AddressClass::Broadcast);
        for raw in ["192.0.2.1", "198.51.100.7", "203.0.113.200", "2001:db8::1"] {
            assert_eq!(class(raw), AddressClass::Documentation, "{raw}");
        }
        for raw in [
            "240.0.0.1",
            "198.18.0.1",
            "192.0.0.8",
            "64:ff9b:1::1",
            "100::1",
        ] {
            assert_eq!(class(raw), AddressClass::Reserved, "{raw}");
        }
        assert!(class("64:ff9b::8.8.8.8").is_public());
    }
}
