//! Network help for the connect screen: this computer's addresses and whether the
//! gateway's address lies in one of its subnets.

use std::net::{IpAddr, Ipv4Addr};

use serde::Serialize;

/// One address of this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalAddress {
    /// Interface name, e.g. `eth0`.
    pub interface: String,
    /// The address.
    pub ip: String,
    /// Prefix length of the subnet (IPv4), e.g. 24.
    pub prefix: Option<u8>,
}

/// What the connect screen shows under "network help".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkHelp {
    /// Addresses of this computer, loopback left out.
    pub addresses: Vec<LocalAddress>,
    /// `Some(true)` if the gateway's IPv4 address lies in a subnet of this computer,
    /// `Some(false)` if it lies in none, `None` if the host is no IPv4 address (a name,
    /// IPv6) or is this computer itself (the demo).
    pub gateway_in_subnet: Option<bool>,
}

/// Whether `ip` lies in the subnet of `own` with `mask`.
pub fn same_subnet(ip: Ipv4Addr, own: Ipv4Addr, mask: Ipv4Addr) -> bool {
    u32::from(ip) & u32::from(mask) == u32::from(own) & u32::from(mask)
}

/// This computer's addresses and the subnet check for `gateway_host`.
pub fn network_help(gateway_host: &str) -> NetworkHelp {
    let interfaces = if_addrs::get_if_addrs().unwrap_or_default();
    let mut addresses = Vec::new();
    let mut v4 = Vec::new();
    for iface in interfaces.iter().filter(|i| !i.is_loopback()) {
        let prefix = match &iface.addr {
            if_addrs::IfAddr::V4(a) => {
                v4.push((a.ip, a.netmask));
                Some(u32::from(a.netmask).count_ones() as u8)
            }
            if_addrs::IfAddr::V6(_) => None,
        };
        addresses.push(LocalAddress {
            interface: iface.name.clone(),
            ip: iface.ip().to_string(),
            prefix,
        });
    }
    let gateway_in_subnet = match gateway_host.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) if !ip.is_loopback() => {
            Some(v4.iter().any(|(own, mask)| same_subnet(ip, *own, *mask)))
        }
        _ => None,
    };
    NetworkHelp {
        addresses,
        gateway_in_subnet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnet_membership() {
        let mask24 = Ipv4Addr::new(255, 255, 255, 0);
        let own = Ipv4Addr::new(192, 168, 1, 200);
        assert!(same_subnet(Ipv4Addr::new(192, 168, 1, 100), own, mask24));
        assert!(!same_subnet(Ipv4Addr::new(192, 168, 2, 100), own, mask24));
        assert!(same_subnet(
            Ipv4Addr::new(192, 168, 2, 100),
            own,
            Ipv4Addr::new(255, 255, 0, 0)
        ));
    }

    #[test]
    fn loopback_and_names_are_not_judged() {
        assert_eq!(network_help("127.0.0.1").gateway_in_subnet, None);
        assert_eq!(network_help("smgw.local").gateway_in_subnet, None);
        assert!(network_help("127.0.0.1")
            .addresses
            .iter()
            .all(|a| a.ip != "127.0.0.1"));
    }
}
