//! `imr serve`: checks the address, then serves the index until Ctrl-C.

use crate::cli::ServeArgs;
use crate::serve::{self, Config, Limits};
use crate::store;
use std::net::ToSocketAddrs;

pub fn run(args: &ServeArgs) -> anyhow::Result<u8> {
    let index = args.index.clone().unwrap_or_else(store::default_location);
    let addrs: Vec<std::net::SocketAddr> = match args.addr.to_socket_addrs() {
        Ok(a) => a.collect(),
        Err(e) => {
            eprintln!("imr: --addr {}: {e} (write HOST:PORT, such as 127.0.0.1:8765)", args.addr);
            return Ok(2);
        }
    };
    let Some(addr) = addrs.first().copied() else {
        eprintln!("imr: --addr {} names no address", args.addr);
        return Ok(2);
    };
    let loopback = addrs.iter().all(|a| a.ip().is_loopback());
    if !loopback && !args.public {
        eprintln!(
            "imr: --addr {} is not a loopback address: add --public to let other machines read the index",
            args.addr
        );
        return Ok(2);
    }
    if !loopback {
        eprintln!(
            "imr: warning: serving on {addr} (--public): anyone who can reach this port can read every letter in the index"
        );
    }
    let config = Config { index: index.clone(), addr, public: !loopback, limits: Limits::default() };
    serve::run(config, |bound| {
        use std::io::Write;
        eprintln!("imr: serving the index at {} (Ctrl-C to stop)", index.display());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "http://{bound}/");
        let _ = out.flush();
    })?;
    Ok(0)
}
